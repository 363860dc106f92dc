import type { Deps } from "../deps";
import { readCookie } from "../auth/cookies";
import { resolveSession, SESSION_COOKIE } from "../auth/sessions";
import type { Context } from "./init";

/** Builds the tRPC context for one request from its headers (cookie session). */
export async function createContext(
  deps: Deps,
  req: { headers: Headers; ip?: string | null },
): Promise<Context> {
  const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  return {
    deps,
    session: await resolveSession(deps.db.prisma, token),
    ip: req.ip ?? null,
    userAgent: req.headers.get("user-agent"),
  };
}
