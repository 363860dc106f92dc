/** A request-level capture failure: the whole request is refused with `status`. */
export class CaptureError extends Error {
  constructor(
    public readonly status: 400 | 401 | 413 | 415 | 429 | 503,
    public readonly field: string,
    public readonly problem: string,
    public readonly retryAfterSeconds?: number,
  ) {
    super(`${field}: ${problem}`);
  }
}
