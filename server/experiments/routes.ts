// REST for SDKs: POST /api/experiments/variant and /api/experiments/conversion with the project's
// write key (api_key / token in the body, or Authorization: Bearer), like /api/capture and
// /api/flags. Bad input is a 400 naming the field; an unknown key 401; an unknown experiment 404.
import express, { type Request, type Response } from "express";
import { z } from "zod";
import type { Deps } from "../deps";
import { decodeBody, readBody } from "../ingest/body";
import { CaptureError } from "../ingest/capture-error";
import type { CaptureService } from "../ingest/service";
import { captureError } from "../monitoring/sentry";
import { unstorableText } from "../validation/storable-text";
import { ExperimentInputErrorFromCapture, ExperimentNotFoundError, getVariant, trackConversion, useCaptureForExperiments } from "./assignment";
import { getVariantInput, trackConversionInput } from "./schema";

const key = { api_key: z.string().min(1).max(200).optional(), token: z.string().min(1).max(200).optional() };
const distinctId = z.union([z.string().min(1, "is required").max(400), z.number().finite().transform(String)]);

export const variantRequest = z.object({
  ...key,
  experiment_key: getVariantInput.shape.experimentKey,
  distinct_id: distinctId,
  properties: getVariantInput.shape.properties,
});

export const conversionRequest = z.object({
  ...key,
  experiment_key: trackConversionInput.shape.experimentKey,
  distinct_id: distinctId,
  event: trackConversionInput.shape.event,
  properties: trackConversionInput.shape.properties,
  value: trackConversionInput.shape.value,
});

function fail(res: Response, status: number, field: string, problem: string) {
  res.status(status).json({ error: `${field}: ${problem}`, errors: [{ field, problem }] });
}

function cors(req: Request, res: Response) {
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Authorization");
  res.setHeader("Access-Control-Max-Age", "86400");
}

const bearer = (req: Request) => /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim() ?? null;

export function experimentRoutes(deps: Deps, capture: CaptureService): express.Router {
  useCaptureForExperiments(deps, capture);
  const router = express.Router();
  const logger = deps.logger.child({ component: "experiments" });

  /** `storableText`: refuse text PostgreSQL cannot store (the variant look-up reads by it); a conversion is an event, and capture cleans such text instead. */
  function handle<S extends z.ZodType>(schema: S, run: (projectId: string, body: z.output<S>, req: Request) => Promise<unknown>, storableText = false) {
    return async (req: Request, res: Response) => {
      cors(req, res);
      try {
        const raw = await readBody(req);
        const body = raw.length === 0 ? {} : decodeBody(raw, req.headers["content-type"], req.headers["content-encoding"] as string | undefined, new URLSearchParams());
        const unstorable = storableText ? unstorableText(body) : null;
        if (unstorable) return fail(res, 400, unstorable.path, unstorable.problem);
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          return fail(res, 400, issue.path.join(".") || "body", issue.message);
        }
        const data = parsed.data as { api_key?: string; token?: string };
        const project = await capture.keys.resolve(data.api_key ?? data.token ?? bearer(req));
        res.json(await run(project.id, parsed.data, req));
      } catch (err) {
        if (err instanceof CaptureError) return fail(res, err.status, err.field, err.problem);
        if (err instanceof ExperimentNotFoundError) return fail(res, 404, "experiment_key", err.message.replace(/^experimentKey: /, ""));
        if (err instanceof ExperimentInputErrorFromCapture) {
          const [field, ...rest] = err.message.split(": ");
          return fail(res, 400, field!, rest.join(": "));
        }
        logger.error({ err, path: req.path }, "experiments request failed");
        captureError(err, { kind: "experiments", path: req.path });
        if (!res.headersSent) res.status(500).json({ error: "Internal error" });
      }
    };
  }

  const context = (req: Request) => ({ ip: req.ip ?? null, userAgent: req.headers["user-agent"] ?? null });
  router.options(["/api/experiments/variant", "/api/experiments/conversion"], (req, res) => (cors(req, res), res.status(204).end()));
  router.post(
    "/api/experiments/variant",
    handle(variantRequest, (projectId, b, req) => getVariant(deps, projectId, { experimentKey: b.experiment_key, distinctId: b.distinct_id, properties: b.properties }, context(req)), true),
  );
  router.post(
    "/api/experiments/conversion",
    handle(conversionRequest, (projectId, b, req) =>
      trackConversion(deps, projectId, { experimentKey: b.experiment_key, distinctId: b.distinct_id, event: b.event, properties: b.properties, value: b.value }, context(req)),
    ),
  );
  return router;
}
