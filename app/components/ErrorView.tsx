import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useEffect } from "react";
import { reportBoundaryError } from "~/lib/browser-errors.client";

const titles: Record<number, [string, string]> = {
  400: ["Bad request", "The request could not be understood."],
  401: ["Log in first", "You need to log in to see this page."],
  403: ["You don't have access", "Your role does not allow this page. Ask an admin if you need it."],
  404: ["Page not found", "There is nothing at this address. It may have moved, or never existed."],
  409: ["Conflict", "That change conflicts with the current state. Reload and try again."],
  429: ["Too many requests", "Slow down a little and try again shortly."],
  500: ["Something went wrong", "An unexpected error happened on our side. It has been logged; try again in a moment."],
};

export function errorInfo(error: unknown): { status: number; title: string; message: string } {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, fallback] = titles[status] ?? titles[500]!;
  const data = isRouteErrorResponse(error) ? error.data : null;
  const message = typeof data === "string" && data.trim() && data.length < 300 ? data : fallback;
  return { status, title, message };
}

/** Status, title and message for an error; used by the root and nested ErrorBoundaries. */
export function ErrorView({ error, nested = false }: { error: unknown; nested?: boolean }) {
  const { status, title, message } = errorInfo(error);
  const Heading = nested ? "h2" : "h1";
  return (
    <div className="error-view">
      <p className="error-code">{status}</p>
      <Heading className="error-title">{title}</Heading>
      <p className="error-message">{message}</p>
      <div className="cluster">
        <Link to="/" className="btn btn-primary">
          Go to Home
        </Link>
      </div>
    </div>
  );
}

/**
 * Drop-in body for a route's ErrorBoundary: the error shows inside the surrounding layout.
 * `nested` when that layout already has the page's h1 (settings and monitoring pages).
 */
export function RouteError({ nested = false }: { nested?: boolean }) {
  const error = useRouteError();
  useEffect(() => reportBoundaryError(error), [error]);
  return <ErrorView error={error} nested={nested} />;
}
