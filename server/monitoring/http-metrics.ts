import { timingSafeEqual } from "node:crypto";
import type express from "express";
import { findApiKey } from "../auth/api-keys";
import type { Deps } from "../deps";
import { httpDuration, registry } from "./metrics";

const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;
const MAX_ROUTES = 300;
const known = new Map<string, string>();

/**
 * The route pattern a request is counted under: express's own pattern when a route matched
 * (capture, flags), else the path with id-like segments as `:id` (Remix pages). Label values
 * are capped so a crawler cannot grow the registry without bound.
 */
export function routeLabel(req: express.Request): string {
  const matched = req.route?.path;
  if (typeof matched === "string" && matched !== "*") return (req.baseUrl || "") + matched;
  const path = req.path;
  if (path.startsWith("/api/trpc")) return "/api/trpc";
  if (path.startsWith("/build/")) return "/build/*";
  const cached = known.get(path);
  if (cached) return cached;
  const label = path
    .split("/")
    .map((s) => (ID_SEGMENT.test(s) ? ":id" : s))
    .join("/");
  if (known.size < MAX_ROUTES * 4) known.set(path, label);
  return label;
}

const labels = new Set<string>();

/** One histogram observe per request, when the response finishes. */
export function metricsMiddleware(): express.RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once("finish", () => {
      let route = routeLabel(req);
      if (!labels.has(route)) {
        if (labels.size >= MAX_ROUTES) route = "other";
        else labels.add(route);
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      httpDuration.observe({ route, method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
    });
    next();
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer FORESIGHT_METRICS_TOKEN or any live project secret key (kind 'secret'). */
export async function metricsAuthorized(deps: Deps, header: string | undefined): Promise<boolean> {
  const m = /^bearer\s+(.+)$/i.exec(header ?? "");
  if (!m) return false;
  const token = m[1]!.trim();
  const configured = deps.config.FORESIGHT_METRICS_TOKEN;
  if (configured && sameSecret(token, configured)) return true;
  return !!(await findApiKey(deps.db.prisma, token, "secret"));
}

/** GET /metrics in Prometheus text format. */
export function metricsRoute(deps: Deps): express.RequestHandler {
  return async (req, res, next) => {
    try {
      if (!(await metricsAuthorized(deps, req.headers.authorization))) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
        res.status(401).json({ error: "Send Authorization: Bearer <project secret key or FORESIGHT_METRICS_TOKEN>" });
        return;
      }
      res.setHeader("Content-Type", registry.contentType);
      res.end(await registry.metrics());
    } catch (err) {
      next(err);
    }
  };
}
