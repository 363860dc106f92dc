import { redirect, type AppLoadContext } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import type { SessionUser } from "../../server/auth/sessions";
import { hasRole, type Role } from "../../server/auth/roles";

/** The logged-in user, or a redirect to /login that comes back here afterwards. */
export async function requireUser(context: AppLoadContext, request: Request, role: Role = "viewer"): Promise<SessionUser> {
  const user = await context.getUser();
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  if (!hasRole(user.role, role)) throw new Response(`This page needs the ${role} role`, { status: 403 });
  return user;
}

/** Maps a tRPC error thrown in a loader/action to the HTTP response Remix should render. */
export function trpcErrorResponse(err: unknown): Response | null {
  if (!(err instanceof TRPCError)) return null;
  const status: Record<string, number> = {
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    BAD_REQUEST: 400,
    CONFLICT: 409,
    PRECONDITION_FAILED: 409,
    TIMEOUT: 408,
    PAYLOAD_TOO_LARGE: 413,
    TOO_MANY_REQUESTS: 429,
  };
  return new Response(err.message, { status: status[err.code] ?? 500 });
}

/**
 * For a page about one record, as `.catch(recordNotFound("No such flag."))`: the record missing
 * (NOT_FOUND) or its id malformed (BAD_REQUEST) is a 404 page, other tRPC errors their status.
 */
export function recordNotFound(message: string) {
  return (err: unknown): never => {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) throw new Response(message, { status: 404 });
    throw trpcErrorResponse(err) ?? err;
  };
}

/** Only same-site relative paths, so a login link cannot send people elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
