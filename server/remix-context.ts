import type { Caller } from "./trpc/root";
import type { SessionUser } from "./auth/sessions";

/**
 * What Remix loaders and actions receive as `context`. Loaders reach the server only through
 * `trpc` (a server-side caller bound to this request); nothing here exposes Prisma or SQL.
 */
export interface ForesightLoadContext {
  trpc: Caller;
  /** The logged-in user, resolved once per request. */
  getUser(): Promise<SessionUser | null>;
  /** Answers a browser tRPC request (the `/api/trpc/*` resource route). */
  handleTrpc(request: Request): Promise<Response>;
  sessionCookie(token: string, expiresAt: Date): string;
  clearSessionCookie(): string;
  reportError(error: unknown, info: { url?: string; route?: string }): void;
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends ForesightLoadContext {}
}
