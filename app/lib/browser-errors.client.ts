// The Remix app's own browser errors: to Sentry when a DSN is configured (loaded on demand, so
// nothing loads without one), and always to POST /api/client-errors so the errors page shows them.
import { isRouteErrorResponse } from "@remix-run/react";

export interface BrowserMonitoringEnv {
  sentryDsn: string | null;
  environment: string;
  release: string;
}

declare global {
  interface Window {
    __FORESIGHT_ENV__?: { monitoring?: BrowserMonitoringEnv };
  }
}

type SentryApi = typeof import("@sentry/browser");
let sentry: SentryApi | null = null;
const reported = new WeakSet<object>();
let sent = 0;
/** A page stuck in an error loop should not flood the endpoint (it rate-limits too). */
const MAX_REPORTS_PER_PAGE = 25;

function describe(error: unknown): { message: string; name?: string; stack?: string } {
  if (error instanceof Error) return { message: error.message || error.name, name: error.name, stack: error.stack };
  if (typeof error === "string") return { message: error };
  try {
    return { message: JSON.stringify(error) ?? String(error) };
  } catch {
    return { message: String(error) };
  }
}

function reportLocally(error: unknown, mechanism: string, sentryEventId?: string): void {
  if (typeof error === "object" && error !== null) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  if (++sent > MAX_REPORTS_PER_PAGE) return;
  const { message, name, stack } = describe(error);
  const body = JSON.stringify({
    message: message.slice(0, 2000) || "Error",
    name: name?.slice(0, 200),
    stack: stack?.slice(0, 12_000),
    url: location.href.slice(0, 2000),
    mechanism,
    sentryEventId,
  });
  void fetch("/api/client-errors", { method: "POST", headers: { "content-type": "application/json" }, body, keepalive: true, credentials: "same-origin" }).catch(
    () => {},
  );
}

/** Starts reporting: window errors and unhandled rejections, plus Sentry when a DSN is set. */
export function startBrowserErrorReporting(env: BrowserMonitoringEnv | undefined): void {
  // Until Sentry is loaded (or without it), these report; afterwards Sentry's handlers catch the
  // same errors and `beforeSend` records them locally with their event id.
  addEventListener("error", (e) => {
    if (sentry) return;
    if (!e.error && e.message === "Script error.") return; // another origin's script: no detail to record
    reportLocally(e.error ?? e.message, "onerror");
  });
  addEventListener("unhandledrejection", (e) => {
    if (!sentry) reportLocally(e.reason, "onunhandledrejection");
  });
  if (!env?.sentryDsn) return;
  const dsn = env.sentryDsn;
  import("@sentry/browser")
    .then((S) => {
      S.init({
        dsn,
        environment: env.environment,
        release: env.release,
        beforeSend(event, hint) {
          const original = hint.originalException;
          const ex = event.exception?.values?.[0];
          const error = original instanceof Error ? original : Object.assign(new Error(ex?.value ?? event.message ?? "Error"), { name: ex?.type ?? "Error" });
          reportLocally(error, ex?.mechanism?.type ?? "sentry", event.event_id);
          return event;
        },
      });
      sentry = S;
    })
    .catch(() => {});
}

/**
 * Reports an error an ErrorBoundary rendered. Responses (404, 403 ...) are not bugs, and a
 * loader's failure arrives as "Unexpected Server Error": the server has recorded that one.
 */
export function reportBoundaryError(error: unknown): void {
  if (isRouteErrorResponse(error) || !(error instanceof Error)) return;
  if (error.message === "Unexpected Server Error") return;
  if (sentry) sentry.captureException(error, { mechanism: { type: "remix.errorboundary", handled: false } });
  else reportLocally(error, "errorboundary");
}
