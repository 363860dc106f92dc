// REST for non-TypeScript callers: the ml procedures over POST /api/ml/*, authenticated by a
// project secret key (Authorization: Bearer <key>). Errors are 4xx { field, problem }.
import express, { type Request, type Response } from "express";
import type { z } from "zod";
import { sha256 } from "../auth/tokens";
import type { Deps } from "../deps";
import { captureError } from "../monitoring/sentry";
import { unstorableText } from "../validation/storable-text";
import { bestTimeToBookInput, priceForecastInput, recommendationsInput, similarDestinationsInput } from "./price/schema";
import { NoPriceModelError } from "./price/serving";
import { mlServices } from "./services";

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

function fail(res: Response, status: number, field: string, problem: string) {
  res.status(status).json({ error: `${field}: ${problem}`, field, problem, errors: [{ field, problem }] });
}

/** Project of a live secret key, cached briefly (30 s for a hit, 5 s for a miss). */
function secretKeys(deps: Deps) {
  const cache = new Map<string, { projectId: string | null; at: number }>();
  return async (req: Request): Promise<string> => {
    const m = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
    const key = m?.[1]?.trim();
    if (!key) throw new RestError(401, "authorization", "is missing: send a project secret key as Authorization: Bearer <key>");
    if (key.length > 200) throw new RestError(401, "authorization", "is not a valid secret key");
    const hash = sha256(key);
    let hit = cache.get(hash);
    if (!hit || Date.now() - hit.at > (hit.projectId ? 30_000 : 5_000)) {
      const { rows } = await deps.db.pool.query(
        `update api_keys set last_used_at = now() where key_hash = $1 and kind = 'secret' and revoked_at is null returning project_id`,
        [hash],
      );
      hit = { projectId: (rows[0]?.project_id as string | undefined) ?? null, at: Date.now() };
      cache.set(hash, hit);
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    }
    if (!hit.projectId) throw new RestError(401, "authorization", "is not a valid secret key for any project");
    return hit.projectId;
  };
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const unstorable = unstorableText(body);
  if (unstorable) throw new RestError(400, unstorable.path, unstorable.problem);
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RestError(400, issue.path.join(".") || "body", issue.message);
  }
  return parsed.data;
}

export function mlRoutes(deps: Deps): express.Router {
  const router = express.Router();
  const resolve = secretKeys(deps);
  const logger = deps.logger.child({ component: "ml-rest" });
  const json = express.json({ limit: "16kb" });

  const endpoint = <S extends z.ZodType>(path: string, schema: S, answer: (projectId: string, input: z.infer<S>) => Promise<unknown>) => {
    router.post(path, async (req, res) => {
      try {
        const projectId = await resolve(req);
        await new Promise<void>((ok, ko) =>
          json(req, res, (err?: { type?: string }) =>
            err ? ko(err.type === "entity.too.large" ? new RestError(413, "body", "is larger than 16 kB") : new RestError(400, "body", "is not valid JSON")) : ok(),
          ),
        );
        res.json(await answer(projectId, parse(schema, req.body)));
      } catch (err) {
        if (err instanceof RestError) return fail(res, err.status, err.field, err.problem);
        if (err instanceof NoPriceModelError) return fail(res, 409, "project", err.message);
        logger.error({ err, path }, "ml request failed");
        captureError(err, { kind: "ml-rest", path });
        if (!res.headersSent) res.status(500).json({ error: "Internal error" });
      }
    });
  };

  const ml = mlServices(deps);
  endpoint("/api/ml/price-forecast", priceForecastInput, (p, i) => ml.price.priceForecast(p, i));
  endpoint("/api/ml/best-time-to-book", bestTimeToBookInput, (p, i) => ml.price.bestTimeToBook(p, i));
  endpoint("/api/ml/similar-destinations", similarDestinationsInput, (p, i) => ml.similarity.similarDestinations(p, i.destination, i.limit));
  endpoint("/api/ml/recommendations", recommendationsInput, (p, i) => ml.similarity.recommendations(p, i.distinctId, i.limit));
  return router;
}
