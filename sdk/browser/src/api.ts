import type { ForesightBrowser } from "./client.js";
import type { BrowserOptions, CaptureOptions, Properties } from "./types.js";

export interface ForesightApi {
  init(apiKey: string, options?: BrowserOptions): void;
  capture(event: string, properties?: Properties, options?: CaptureOptions): void;
  identify(distinctId: string, $set?: Properties, $set_once?: Properties): void;
  alias(alias: string): void;
  reset(): void;
  optOut(): void;
  optIn(): void;
  setConsent(granted: boolean): void;
  register(properties: Properties): void;
  flush(): Promise<void>;
  getDistinctId(): string;
  getSessionId(): string;
}

/** The public methods, bound and fenced: nothing the SDK does may throw into the host page. */
export function bindApi(c: ForesightBrowser): ForesightApi {
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        console.warn("[foresight] internal error", err);
        return fallback;
      }
    };
  return {
    init: guard((apiKey, options) => c.init(apiKey, options), undefined),
    capture: guard((event, properties, options) => c.capture(event, properties, options), undefined),
    identify: guard((distinctId, $set, $set_once) => c.identify(distinctId, $set, $set_once), undefined),
    alias: guard((alias) => c.alias(alias), undefined),
    reset: guard(() => c.reset(), undefined),
    optOut: guard(() => c.optOut(), undefined),
    optIn: guard(() => c.optIn(), undefined),
    setConsent: guard((granted) => c.setConsent(granted), undefined),
    register: guard((properties) => c.register(properties), undefined),
    flush: guard(() => c.flush().catch(() => {}), Promise.resolve()),
    getDistinctId: guard(() => c.getDistinctId(), ""),
    getSessionId: guard(() => c.getSessionId(), ""),
  };
}
