import { createHash } from "node:crypto";
import { setLocalErrorRecorder } from "./sentry";
import type { PrismaClient } from "../db/generated/client";
import { cleanString } from "../ingest/sanitize";

/** The first stack frame that is not Node's own: where the error was thrown in our code. */
export function topFrame(stack: string | undefined): string {
  const frames = (stack ?? "").split("\n").slice(1).map((l) => l.trim()).filter((l) => l.startsWith("at "));
  const ours = frames.find((f) => !f.includes("node:") && !f.includes("node_modules")) ?? frames[0] ?? "";
  // Line and column stay (they locate the bug); absolute paths and query strings do not.
  return ours.replace(/\(?(file:\/\/)?\/[^)]*?\/(server|app|workers|ml|build)\//, "($2/").replace(/\?[^:)]*/, "");
}

export function errorFingerprint(message: string, stack: string | undefined): string {
  // Numbers and ids in messages would split one bug into many rows.
  const normalized = message.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "<id>").replace(/\d+/g, "<n>");
  return createHash("sha256").update(`${normalized}\n${topFrame(stack)}`).digest("hex").slice(0, 32);
}

export interface ErrorOccurrence {
  source: string;
  error: unknown;
  context?: Record<string, unknown>;
  sentryEventId?: string;
  at?: Date;
}

/** Upserts one row per fingerprint: count, first and last seen, the latest Sentry event id. */
/** Text for something thrown that is not an Error: a response's status and text, else its JSON. */
function describeThrown(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object") {
    const r = v as { status?: unknown; statusText?: unknown; data?: unknown };
    if (typeof r.status === "number") return `${r.status} ${typeof r.statusText === "string" ? r.statusText : ""}${r.data !== undefined ? `: ${typeof r.data === "string" ? r.data : JSON.stringify(r.data)}` : ""}`.trim();
    try {
      return JSON.stringify(v).slice(0, 2000);
    } catch {
      // circular
    }
  }
  return String(v);
}

export async function recordError(prisma: PrismaClient, o: ErrorOccurrence) {
  const err = o.error instanceof Error ? o.error : new Error(describeThrown(o.error));
  // An error's text may hold anything (a NUL, half a surrogate pair): cleaned as ingest cleans event text, so the record is kept.
  const message = cleanString((err.message || err.name || "Error").slice(0, 2000));
  const stack = err.stack === undefined ? undefined : cleanString(err.stack.slice(0, 8000));
  const fingerprint = errorFingerprint(message, stack);
  const at = o.at ?? new Date();
  const context = JSON.parse(JSON.stringify(o.context ?? {}), (_k, v: unknown) => (typeof v === "string" ? cleanString(v) : v));
  return prisma.errorRecord.upsert({
    where: { fingerprint },
    create: { fingerprint, source: o.source, message, stack, firstSeen: at, lastSeen: at, sentryEventId: o.sentryEventId, context },
    update: {
      count: { increment: 1 },
      lastSeen: at,
      message,
      stack,
      context,
      ...(o.sentryEventId ? { sentryEventId: o.sentryEventId } : {}),
    },
  });
}

export async function listErrors(prisma: PrismaClient, opts: { limit: number; source?: string }) {
  return prisma.errorRecord.findMany({
    where: opts.source ? { source: opts.source } : {},
    orderBy: { lastSeen: "desc" },
    take: opts.limit,
  });
}

/**
 * Link to the Sentry event. With `pattern` (FORESIGHT_SENTRY_WEB_URL), its {eventId} and
 * {projectId} (the DSN's project id) are filled in, e.g.
 * `https://sentry.io/organizations/acme/issues/?project={projectId}&query={eventId}`. Without it:
 * https://<host>/organizations/<org>/issues/?query=<event id> needs the org slug, which a DSN
 * lacks; the project-scoped event URL works for sentry.io and self-hosted.
 */
export function sentryEventUrl(dsn: string | undefined, eventId: string | null, pattern?: string): string | null {
  if (!eventId || (!dsn && !pattern)) return null;
  try {
    const u = dsn ? new URL(dsn) : null;
    const projectId = u?.pathname.replace(/^\//, "").split("/").pop() ?? "";
    if (pattern) return pattern.replaceAll("{eventId}", encodeURIComponent(eventId)).replaceAll("{projectId}", encodeURIComponent(projectId));
    if (!u) return null;
    const host = u.hostname.replace(/^o\d+\.ingest\./, "");
    return `${u.protocol}//${host}${u.port ? `:${u.port}` : ""}/projects/${projectId}/events/${eventId}/`;
  } catch {
    return null;
  }
}

/** Installs the local recorder behind captureError for this process (web or worker). */
export function installErrorRecorder(deps: { db: { prisma: PrismaClient }; logger: { warn(o: object, m: string): void } }): void {
  setLocalErrorRecorder((error, context, sentryEventId) => {
    const source = String(context.kind ?? "server");
    recordError(deps.db.prisma, { source, error, context, sentryEventId }).catch((err) =>
      deps.logger.warn({ err }, "could not record the error locally"),
    );
  });
}
