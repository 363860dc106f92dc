// Flag endpoints for SDKs: evaluation for one person (write key) and definitions for local
// evaluation (secret key, ETag). Errors are 4xx naming the field, like capture's.
import express, { type Request, type Response } from "express";
import { z } from "zod";
import { sha256 } from "../auth/tokens";
import type { Deps } from "../deps";
import { decodeBody, readBody } from "../ingest/body";
import { CaptureError } from "../ingest/capture-error";
import type { ProjectKeyCache } from "../ingest/project-keys";
import { captureError } from "../monitoring/sentry";
import { flagService } from "./service";

const scalarOrJson = z.record(z.string().max(400), z.unknown());

/** The body of POST /api/flags (or GET's query string); `token` is posthog-js's name for the key. */
export const flagsRequest = z
  .object({
    api_key: z.string().min(1).max(200).optional(),
    token: z.string().min(1).max(200).optional(),
    distinct_id: z.union([z.string().min(1).max(400), z.number().finite().transform(String)]),
    person_properties: scalarOrJson.optional(),
    groups: scalarOrJson.optional(),
    environment: z.string().min(1).max(100).optional(),
  })
  .loose();

function cors(req: Request, res: Response) {
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Authorization, If-None-Match");
  res.setHeader("Access-Control-Expose-Headers", "ETag");
  res.setHeader("Access-Control-Max-Age", "86400");
}

function bearer(req: Request): string | null {
  const m = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return m ? m[1]!.trim() : null;
}

/**
 * The answer as JSON with `Server-Timing: app;dur=<ms>`: the time this process spent on the request
 * from the moment the flags router saw it (body read, key, definitions, the person query,
 * evaluation, serialising) to the answer, waits for PostgreSQL included. Benchmarks put it beside
 * the wall latency (tests/bench/flags/remote.ts): what is left is queueing outside the handler.
 */
function answer(res: Response, start: number, value: unknown) {
  const body = JSON.stringify(value);
  res.setHeader("Server-Timing", `app;dur=${(performance.now() - start).toFixed(3)}`);
  res.type("application/json").send(body);
}

function fail(res: Response, status: number, field: string, problem: string) {
  res.status(status).json({ error: `${field}: ${problem}`, errors: [{ field, problem }] });
}

/** GET's query string as a body: `person_properties` (and `groups`) may be JSON text. */
function fromQuery(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of query) {
    if (k === "person_properties" || k === "groups") {
      try {
        out[k] = JSON.parse(v);
      } catch {
        throw new CaptureError(400, k, "is not JSON");
      }
    } else out[k] = v;
  }
  return out;
}

/** Project of a live secret key, cached for a short while (definitions are polled). */
class SecretKeys {
  private cache = new Map<string, { projectId: string | null; at: number }>();
  constructor(private readonly deps: Deps) {}

  async resolve(key: string | null): Promise<string> {
    if (!key) throw new CaptureError(401, "authorization", "is missing: send a project secret key as Authorization: Bearer <key>");
    if (key.length > 200) throw new CaptureError(401, "authorization", "is not a valid secret key");
    const hash = sha256(key);
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < (hit.projectId ? 30_000 : 5_000)) {
      if (!hit.projectId) throw new CaptureError(401, "authorization", "is not a valid secret key for any project");
      return hit.projectId;
    }
    const { rows } = await this.deps.db.pool.query(
      `update api_keys set last_used_at = now() where key_hash = $1 and kind = 'secret' and revoked_at is null returning project_id`,
      [hash],
    );
    const projectId: string | null = rows[0]?.project_id ?? null;
    this.cache.set(hash, { projectId, at: Date.now() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    if (!projectId) throw new CaptureError(401, "authorization", "is not a valid secret key for any project");
    return projectId;
  }
}

export function flagRoutes(deps: Deps, keys: ProjectKeyCache): express.Router {
  const router = express.Router();
  const service = flagService(deps);
  const secrets = new SecretKeys(deps);
  const logger = deps.logger.child({ component: "flags" });

  const guard = (handler: (req: Request, res: Response, start: number) => Promise<void>) => async (req: Request, res: Response) => {
    const start = performance.now();
    cors(req, res);
    try {
      await handler(req, res, start);
    } catch (err) {
      if (err instanceof CaptureError) {
        if (err.retryAfterSeconds) res.setHeader("Retry-After", String(err.retryAfterSeconds));
        return fail(res, err.status, err.field, err.problem);
      }
      logger.error({ err, path: req.path }, "flags request failed");
      captureError(err, { kind: "flags", path: req.path });
      if (!res.headersSent) res.status(500).json({ error: "Internal error" });
    }
  };

  /** The request's fields, from the body (POST) or the query string (GET); 400 naming the field. */
  async function parseRequest(req: Request, res: Response) {
    const query = new URLSearchParams(req.url.split("?")[1] ?? "");
    let body: unknown;
    if (req.method === "GET") body = fromQuery(query);
    else {
      const raw = await readBody(req);
      body = raw.length === 0 ? {} : decodeBody(raw, req.headers["content-type"], req.headers["content-encoding"] as string | undefined, query);
    }
    const parsed = flagsRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      fail(res, 400, issue.path.join(".") || "body", issue.message);
      return null;
    }
    return parsed.data;
  }

  async function flagsFor(req: Request, input: z.infer<typeof flagsRequest>) {
    const project = await keys.resolve(input.api_key ?? input.token ?? bearer(req));
    return service.evaluateForPerson(
      project.id,
      { distinctId: input.distinct_id, personProperties: input.person_properties, environment: input.environment ?? null },
      { count: true, lookupOnlyIfNeeded: true },
    );
  }

  const evaluate = guard(async (req, res, start) => {
    const input = await parseRequest(req, res);
    if (!input) return;
    const result = await flagsFor(req, input);
    answer(res, start, { flags: result.flags, payloads: result.payloads });
  });

  /**
   * posthog-js asks /decide (v3) and /flags (v=2) for a person's flags: the same evaluation, in
   * PostHog's shapes (payloads as JSON text). GET /flags without a key, and Remix's own requests
   * (`?index`, `?_data=`), are the flags page, which
   * the capture router's PostHog placeholder would otherwise answer: it is passed on under a
   * path nothing else matches, and Remix, which routes by req.originalUrl, renders /flags.
   */
  const posthog = guard(async (req, res, start) => {
    const input = await parseRequest(req, res);
    if (!input) return;
    const r = await flagsFor(req, input);
    const payloads = Object.fromEntries(Object.entries(r.payloads).map(([k, v]) => [k, JSON.stringify(v)]));
    if (req.path.startsWith("/decide")) {
      answer(res, start, { featureFlags: r.flags, featureFlagPayloads: payloads, errorsWhileComputingFlags: false, sessionRecording: false });
      return;
    }
    const flags = Object.fromEntries(
      Object.entries(r.details).map(([key, d]) => [
        key,
        { key, enabled: d.value !== false, variant: typeof d.value === "string" ? d.value : undefined, reason: { code: d.reason }, metadata: { payload: payloads[key] } },
      ]),
    );
    answer(res, start, { flags, featureFlags: r.flags, featureFlagPayloads: payloads, errorsWhileComputingFlags: false, sessionRecording: false });
  });
  const isPage = (req: Request) =>
    /[?&](index|_data)(=|&|$)/.test(req.url) || // Remix: the index route's action, or a loader's data
    (req.method === "GET" && !req.headers.authorization && !/[?&](token|api_key|distinct_id|data|v)=/.test(req.url));
  router.use(["/flags", "/flags/"], (req, _res, next) => {
    if (req.path === "/" && isPage(req)) req.url = `/__foresight_flags_page${req.url.slice(1)}`;
    next();
  });
  for (const p of ["/decide", "/decide/", "/flags", "/flags/"]) {
    router.options(p, (req, res) => (cors(req, res), res.status(204).end()));
    router.post(p, posthog);
    router.get(p, posthog);
  }

  router.options(["/api/flags", "/api/flags/definitions"], (req, res) => (cors(req, res), res.status(204).end()));
  router.post("/api/flags", evaluate);
  router.get("/api/flags", evaluate);
  router.get(
    "/api/flags/definitions",
    guard(async (req, res) => {
      const projectId = await secrets.resolve(bearer(req));
      const defs = await service.definitions.get(projectId);
      res.setHeader("ETag", defs.etag);
      res.setHeader("Cache-Control", "no-cache");
      const match = req.headers["if-none-match"];
      if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === defs.etag)) {
        res.status(304).end();
        return;
      }
      res.type("application/json").send(defs.body);
    }),
  );
  return router;
}
