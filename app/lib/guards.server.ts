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
  const status: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_REQUEST: 400, CONFLICT: 409, TOO_MANY_REQUESTS: 429 };
  return new Response(err.message, { status: status[err.code] ?? 500 });
}

/** Only same-site relative paths, so a login link cannot send people elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
