import type { ForesightBrowser } from "./client.js";
import type { FlagValue, FlagsListener } from "./flags.js";
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
  /** The flag's value for the current person (false when off, a variant key for multivariate flags); undefined before flags are known. Sends `$feature_flag_called` once per flag and value per session. */
  getFeatureFlag(key: string, options?: { sendEvent?: boolean }): FlagValue | undefined;
  isFeatureEnabled(key: string, options?: { sendEvent?: boolean }): boolean | undefined;
  getFeatureFlagPayload(key: string): unknown;
  getAllFlags(): Record<string, FlagValue>;
  /** Called with the flags now (when known) and after every load; returns an unsubscribe function. */
  onFeatureFlags(listener: FlagsListener): () => void;
  /** Fetches the flags again (optionally with more person properties); resolves when they have arrived. */
  reloadFeatureFlags(personProperties?: Record<string, unknown>): Promise<void>;
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
    getFeatureFlag: guard((key, options) => c.flags()?.getFeatureFlag(key, options), undefined),
    isFeatureEnabled: guard((key, options) => c.flags()?.isFeatureEnabled(key, options), undefined),
    getFeatureFlagPayload: guard((key) => c.flags()?.getFeatureFlagPayload(key), undefined),
    getAllFlags: guard(() => c.flags()?.getAllFlags() ?? {}, {}),
    onFeatureFlags: guard((listener) => c.flags()?.onFeatureFlags(listener) ?? (() => {}), () => {}),
    reloadFeatureFlags: guard((personProperties) => c.flags()?.reload(personProperties).catch(() => {}) ?? Promise.resolve(), Promise.resolve()),
  };
}
