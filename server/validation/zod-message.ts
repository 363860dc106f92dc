import type { ZodError } from "zod";

/** `steps.1.event: Too small ...`: the first few issues, each naming its field (`fallback` when the issue is about the whole input). */
export function describeZodError(err: ZodError, fallback = "input"): string {
  const parts = err.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join(".") : fallback}: ${i.message}`);
  return parts.join("; ") + (err.issues.length > 3 ? ` (and ${err.issues.length - 3} more)` : "");
}
