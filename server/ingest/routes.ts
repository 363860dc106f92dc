import express, { type Request, type Response } from "express";
import type { Logger } from "../logger";
import { countCapture } from "../monitoring/metrics";
import { captureError } from "../monitoring/sentry";
import { decodeBodyChecked, readBody } from "./body";
import { parseTurn } from "./parse-turns";
import { CaptureError } from "./capture-error";
import { parsePosthog } from "./parse/posthog";
import { parseSegment } from "./parse/segment";
import type { ParsedCapture } from "./parse/types";
import type { CapturePipeline } from "./pipeline";

const POSTHOG_PATHS = ["/api/capture", "/capture", "/batch", "/e", "/i/v0/e", "/track", "/engage"];
const SEGMENT_TYPES = ["track", "identify", "page", "screen", "group", "alias", "batch", "import"];

function headerKey(req: Request): { bearer: string | null; basicUser: string | null } {
  const auth = req.headers.authorization ?? "";
  const [scheme, value] = auth.split(" ", 2) as [string, string | undefined];
  if (/^bearer$/i.test(scheme) && value) return { bearer: value.trim(), basicUser: null };
  if (/^basic$/i.test(scheme) && value) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    return { bearer: null, basicUser: decoded.split(":")[0] || null };
  }
  return { bearer: null, basicUser: null };
}

/**
 * A JSON answer without Express's res.json: that one also hashes every body for an ETag, which a
 * capture answer never needs, and showed in ingest profiles.
 */
function sendJson(res: Response, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

function cors(req: Request, res: Response) {
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Authorization");
  res.setHeader("Access-Control-Expose-Headers", "Retry-After");
  res.setHeader("Access-Control-Max-Age", "86400");
}

/** Capture endpoints: native and PostHog-compatible paths, and Segment's /v1/*. */
export function captureRoutes(pipeline: CapturePipeline, logger: Logger): express.Router {
  const router = express.Router();

  /** Everything before the write, synchronously: nothing of the body stays referenced while it waits. */
  const request = (req: Request, parse: (body: unknown, req: Request) => ParsedCapture, keyFrom: "bearer" | "basic", raw: Buffer) => {
    const query = new URLSearchParams(req.url.split("?")[1] ?? "");
    const decoded = decodeBodyChecked(raw, req.headers["content-type"], req.headers["content-encoding"] as string | undefined, query);
    const keys = headerKey(req);
    const parsed = parse(decoded.body, req);
    parsed.plainStrings = decoded.plainStrings;
    return {
      parsed,
      headerKey: keyFrom === "basic" ? (keys.basicUser ?? keys.bearer) : (keys.bearer ?? keys.basicUser),
      ip: req.ip ?? null,
      userAgent: req.headers["user-agent"] ?? null,
      headers: req.headers,
    };
  };

  const handle = (parse: (body: unknown, req: Request) => ParsedCapture, keyFrom: "bearer" | "basic") =>
    async (req: Request, res: Response) => {
      cors(req, res);
      try {
        const raw = await readBody(req);
        await parseTurn();
        const result = await pipeline.capture(request(req, parse, keyFrom, raw));
        countCapture(result.accepted, result.errors.length);
        if (result.errors.length) {
          sendJson(res, 400, { status: 0, accepted: result.accepted, errors: result.errors });
        } else {
          sendJson(res, 200, {
            status: 1,
            success: true,
            accepted: result.accepted,
            ...(result.dnt ? { dnt: true } : {}),
            ...(result.spooled ? { spooled: true } : {}),
          });
        }
      } catch (err) {
        if (err instanceof CaptureError) {
          if (err.retryAfterSeconds) res.setHeader("Retry-After", String(err.retryAfterSeconds));
          sendJson(res, err.status, { status: 0, accepted: 0, errors: [{ index: null, field: err.field, problem: err.problem }] });
          return;
        }
        logger.error({ err, path: req.path }, "capture failed");
        captureError(err, { kind: "capture", path: req.path });
        if (!res.headersSent) res.status(500).json({ status: 0, error: "Internal error; the events were not stored, retry" });
      }
    };

  const posthog = handle((body) => parsePosthog(body), "bearer");
  for (const p of POSTHOG_PATHS) {
    router.options([p, p + "/"], (req, res) => (cors(req, res), res.status(204).end()));
    router.post([p, p + "/"], posthog);
  }
  for (const t of SEGMENT_TYPES) {
    router.options([`/v1/${t}`], (req, res) => (cors(req, res), res.status(204).end()));
    router.post(`/v1/${t}`, handle((body) => parseSegment(body, t), "basic"));
  }
  // posthog-js asks for flags on load; Foresight's flags arrive with the experiments work.
  router.get("/array/:key/config", (req, res) => {
    cors(req, res);
    res.json({ token: req.params.key, supportedCompression: ["gzip-js", "base64"], sessionRecording: false, heatmaps: false, surveys: false });
  });
  router.all(["/decide", "/decide/", "/flags", "/flags/"], (req, res) => {
    cors(req, res);
    if (req.method === "OPTIONS") return res.status(204).end();
    req.resume();
    res.json({ featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false, sessionRecording: false, flags: {} });
  });
  return router;
}
