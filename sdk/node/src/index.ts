export { Foresight } from "./foresight.js";
export { flagBucket, inRollout, pickVariant } from "./flag-hash.js";
export {
  type AliasMessage,
  type CaptureEvent,
  type CaptureMessage,
  type FetchLike,
  ForesightError,
  type ForesightErrorKind,
  type ForesightOptions,
  type IdentifyMessage,
  type Properties,
} from "./types.js";
