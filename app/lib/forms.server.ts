import { TRPCError } from "@trpc/server";
import { ZodError, type z } from "zod";
import { trpcErrorResponse } from "./guards.server";

export type FieldErrors = Partial<Record<string, string>>;

/** The first message per top-level field, which is what a form shows beside each input. */
export function fieldErrorsOf(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; fieldErrors: FieldErrors } {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, fieldErrors: fieldErrorsOf(parsed.error) };
}

const expected = new Set(["BAD_REQUEST", "CONFLICT", "NOT_FOUND", "PRECONDITION_FAILED", "TIMEOUT"]);

/**
 * Turns the tRPC errors a form should show (bad input, conflict, missing) into a message;
 * anything else is rethrown as the matching HTTP response (403, 429...) or as itself (500).
 */
export function expectedError(err: unknown): { formError: string; fieldErrors?: FieldErrors } {
  if (err instanceof TRPCError && expected.has(err.code)) {
    if (err.cause instanceof ZodError) return { formError: "Check the highlighted fields.", fieldErrors: fieldErrorsOf(err.cause) };
    return { formError: err.message };
  }
  throw trpcErrorResponse(err) ?? err;
}

export function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

/** A text field whose empty value means "not given". */
export function optionalText(form: FormData, name: string): string | undefined {
  const v = text(form, name).trim();
  return v === "" ? undefined : v;
}
