// POST /api/client-errors: the Remix app's own browser errors, recorded locally (error_records,
// source "browser") whether or not Sentry is configured. Same-origin only, rate limited, small.
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { readCookie } from "../auth/cookies";
import { resolveSession, SESSION_COOKIE } from "../auth/sessions";
import type { Deps } from "../deps";
import { recordError } from "./error-records";

export const CLIENT_ERRORS_PATH = "/api/client-errors";
export const CLIENT_ERROR_MAX_BYTES = 16 * 1024;

/** One browser error as app/lib/browser-errors.client.ts sends it. */
export const clientErrorInput = z.object({
  message: z.string().trim().min(1).max(2000),
  name: z.string().max(200).optional(),
  stack: z.string().max(12_000).optional(),
  url: z.string().max(2000),
  /** How it was caught: onerror, onunhandledrejection, errorboundary (or Sentry's mechanism type). */
  mechanism: z.string().regex(/^[\w.-]{1,60}$/, "letters, digits, . _ - only").optional(),
  /** The Sentry event id when the browser also sent it to Sentry. */
  sentryEventId: z.string().regex(/^[0-9a-f]{32}$/, "32 lowercase hex digits").optional(),
});
export type ClientErrorInput = z.infer<typeof clientErrorInput>;

/** Token bucket per key: `perMinute` refill, bursts up to `burst`. */
export class MinuteBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perMinute: number, private readonly burst: number) {}

  /** Takes one token; the seconds to wait when there is none. */
  take(key: string, now = Date.now()): number {
    if (this.buckets.size > 10_000) this.buckets.clear();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) * 60) / this.perMinute);
    b.tokens -= 1;
    return 0;
  }
}

/**
 * Browsers send `Sec-Fetch-Site` (Chromium, Firefox, Safari 16.4+) and `Origin` on POST; a
 * same-origin request has `same-origin`, or an Origin whose host is the request's Host.
 */
export function isSameOrigin(headers: Record<string, string | string[] | undefined>): boolean {
  const site = headers["sec-fetch-site"];
  if (typeof site === "string") return site === "same-origin";
  const origin = headers.origin;
  if (typeof origin !== "string" || typeof headers.host !== "string") return false;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}

/** Frames point at our own origin; without it they read `/build/...` and fingerprint the same on every host. */
export function withoutOrigin(text: string, host: string): string {
  return text.replaceAll(`http://${host}`, "").replaceAll(`https://${host}`, "");
}

export function clientErrorRoutes(deps: Deps, opts: { perIpPerMinute?: number; totalPerMinute?: number } = {}): express.Router {
  const perIp = new MinuteBuckets(opts.perIpPerMinute ?? 20, opts.perIpPerMinute ?? 20);
  const total = new MinuteBuckets(opts.totalPerMinute ?? 600, opts.totalPerMinute ?? 600);
  const router = express.Router();

  router.post(
    CLIENT_ERRORS_PATH,
    (req, res, next) => {
      if (!isSameOrigin(req.headers)) return void res.status(403).json({ error: "Only this site's pages may report errors here" });
      const wait = perIp.take(req.ip ?? "unknown") || total.take("*");
      if (wait > 0) return void res.status(429).setHeader("Retry-After", String(wait)).json({ error: "Too many error reports; try again later" });
      next();
    },
    express.json({ limit: CLIENT_ERROR_MAX_BYTES, type: () => true }),
    async (req, res) => {
      const parsed = clientErrorInput.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return void res.status(400).json({ error: `${issue.path.join(".") || "body"}: ${issue.message}`, fieldErrors: z.flattenError(parsed.error).fieldErrors });
      }
      const e = parsed.data;
      const host = req.headers.host ?? "";
      const error = Object.assign(new Error(e.message), { name: e.name || "Error", stack: e.stack ? withoutOrigin(e.stack, host) : `${e.name || "Error"}: ${e.message}` });
      const session = await resolveSession(deps.db.prisma, readCookie(req.headers.cookie ?? null, SESSION_COOKIE)).catch(() => null);
      try {
        await recordError(deps.db.prisma, {
          source: "browser",
          error,
          sentryEventId: e.sentryEventId,
          context: {
            kind: "browser",
            url: withoutOrigin(e.url, host) || "/",
            mechanism: e.mechanism ?? null,
            userAgent: req.headers["user-agent"]?.slice(0, 300) ?? null,
            userId: session?.user.id ?? null,
          },
        });
      } catch (err) {
        deps.logger.warn({ err }, "could not record a browser error");
        return void res.status(503).json({ error: "Could not record the error now" });
      }
      res.status(204).end();
    },
  );

  // Body errors (too large, not JSON) are the client's: 413 / 400, never the app's 500 handler.
  router.use(CLIENT_ERRORS_PATH, ((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.too.large") return void res.status(413).json({ error: `body: larger than ${CLIENT_ERROR_MAX_BYTES} bytes` });
    if (typeof err.status === "number" && err.status >= 400 && err.status < 500) return void res.status(400).json({ error: "body: not valid JSON" });
    next(err);
  }) as express.ErrorRequestHandler);
  return router;
}
