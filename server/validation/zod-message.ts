import type { ZodError } from "zod";

/**
 * `steps.1.event: Too small ...`: the first few issues, each naming its field (`fallback` when the
 * issue is about the whole input; `under` puts the paths under a parent field, e.g. "payload").
 */
export function describeZodError(err: ZodError, fallback = "input", under?: string): string {
  const parts = err.issues.slice(0, 3).map((i) => `${[...(under ? [under] : []), ...i.path.map(String)].join(".") || fallback}: ${i.message}`);
  return parts.join("; ") + (err.issues.length > 3 ? ` (and ${err.issues.length - 3} more)` : "");
}
