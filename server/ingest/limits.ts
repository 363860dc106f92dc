/** Capture limits; the API doc (docs/api/capture.md) states the same numbers. */
export const limits = {
  /** Request body as received (compressed or not). */
  maxBodyBytes: 1024 * 1024,
  /** Body after gzip / base64 decoding. */
  maxDecodedBytes: 1024 * 1024,
  maxEventsPerBatch: 1000,
  maxEventNameLength: 200,
  maxDistinctIdLength: 200,
  /** Serialized size of one event's properties (+ $set / $set_once). */
  maxPropertiesBytes: 64 * 1024,
  maxPropertyDepth: 10,
  maxPropertyKeys: 2000,
  maxPropertyKeyLength: 200,
  /** Older events are rejected; events more than this far in the future are clamped to now. */
  maxPastMs: 365 * 24 * 3600 * 1000,
  maxFutureMs: 24 * 3600 * 1000,
} as const;
