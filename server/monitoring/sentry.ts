import * as Sentry from "@sentry/node";

let enabled = false;

/** Starts Sentry when a DSN is configured; without one, errors only reach the logs. */
export function initSentry(opts: { dsn?: string; environment?: string; release?: string }): boolean {
  if (!opts.dsn) return false;
  Sentry.init({
    dsn: opts.dsn,
    environment: opts.environment ?? process.env.NODE_ENV ?? "development",
    release: opts.release,
    tracesSampleRate: 0,
  });
  enabled = true;
  return true;
}

export type ErrorContext = Record<string, string | number | boolean | null | undefined>;

type LocalRecorder = (error: unknown, context: ErrorContext, sentryEventId: string | undefined) => void;
let localRecorder: LocalRecorder | null = null;

/** Errors are also recorded locally (error_records); the process that owns a database sets this. */
export function setLocalErrorRecorder(fn: LocalRecorder | null): void {
  localRecorder = fn;
}

/** Reports an unexpected error with what was being done (request, procedure or job). */
export function captureError(error: unknown, context: ErrorContext): string | undefined {
  const eventId = enabled
    ? Sentry.withScope((scope) => {
        scope.setTag("foresight.kind", String(context.kind ?? "unknown"));
        scope.setContext("foresight", context);
        if (typeof context.userId === "string") scope.setUser({ id: context.userId });
        return Sentry.captureException(error);
      })
    : undefined;
  localRecorder?.(error, context, eventId);
  return eventId;
}

export async function flushSentry(timeoutMs = 2000): Promise<void> {
  if (enabled) await Sentry.flush(timeoutMs);
}

export function sentryEnabled(): boolean {
  return enabled;
}
