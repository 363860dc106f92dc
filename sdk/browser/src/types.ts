export type Properties = Record<string, unknown>;

/** One event as the capture API receives it. */
export interface CaptureEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  uuid: string;
  properties: Properties;
  $set?: Properties;
  $set_once?: Properties;
}

export interface BrowserOptions {
  /** Origin of the Foresight server; defaults to the script's origin (script tag) or the page's. */
  host?: string;
  autocapturePageviews?: boolean;
  persistence?: "localStorage" | "cookie" | "memory";
  batchSize?: number;
  flushIntervalMs?: number;
  /** Treat Do Not Track / Global Privacy Control as an opt-out until `optIn()`. */
  respectDnt?: boolean;
  /** Send and store nothing until `setConsent(true)` (or `optIn()`). */
  requireConsent?: boolean;
  captureWebVitals?: boolean;
  /** Consecutive failed sends before pausing until the next page load, `flush()` or coming online. */
  maxAttempts?: number;
  /** Fetch the person's feature flags from POST /api/flags at init (default true); identify, reset and reloadFeatureFlags() fetch them too. */
  loadFeatureFlags?: boolean;
  /** Sent with every flags request (merged over the stored person's properties on the server). */
  flagPersonProperties?: Properties;
  /** The environment flags are evaluated for (flags limited to environments). */
  flagEnvironment?: string;
}

export interface CaptureOptions {
  $set?: Properties;
  $set_once?: Properties;
}
