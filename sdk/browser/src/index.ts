import { type ForesightApi, bindApi } from "./api.js";
import { ForesightBrowser } from "./client.js";

export type { ForesightApi } from "./api.js";
export type { BrowserOptions, CaptureEvent, CaptureOptions, Properties } from "./types.js";
export { ForesightBrowser };
export { flagBucket, inRollout, pickVariant } from "./flag-hash.js";
export { BrowserFlags, type BrowserFlagsOptions, type FlagsClient, type FlagsListener, type FlagValue } from "./flags.js";

/** The page's one client, for bundlers: `import { init, capture } from "@foresight/browser"`. */
export const foresight: ForesightApi = bindApi(new ForesightBrowser());
export const { init, capture, identify, alias, reset, optOut, optIn, setConsent, register, flush, getDistinctId, getSessionId } = foresight;
export default foresight;
