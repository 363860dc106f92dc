import type { CapturedEvent } from "./captured-event";
import { CaptureError } from "./capture-error";
import { validateDomainEvent } from "./domain-events";
import { cookielessDistinctId, dailySalt, isDoNotTrack } from "./enrich/cookieless";
import { enrich } from "./enrich/enrich";
import { linkSourceOf } from "./identity";
import type { IngestRow } from "./ingest-row";
import { isProblem, normalizeEvent, type Problem } from "./normalize";
import type { ParsedCapture } from "./parse/types";
import type { CaptureProject, ProjectKeyCache } from "./project-keys";
import type { EventRateLimiter } from "./rate-limit";
import type { SessionTracker } from "./sessions";
import type { IngestWriter } from "./writer";

export interface CaptureRequest {
  parsed: ParsedCapture;
  /** Key from the Authorization header (Bearer, or Segment's Basic user), when the body has none. */
  headerKey: string | null;
  ip: string | null;
  userAgent: string | null;
  headers: Record<string, string | string[] | undefined>;
}

export interface CaptureResult {
  accepted: number;
  errors: Problem[];
  spooled: boolean;
  /** The browser sent Do-Not-Track and the project respects it: nothing was stored. */
  dnt?: boolean;
}

function revenueOf(props: Record<string, unknown>): number | null {
  const v = props.revenue ?? props.$revenue;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) && Math.abs(n) < 1e14 ? Math.round(n * 10_000) / 10_000 : null;
}

/**
 * parse -> authenticate -> rate limit -> validate each event -> enrich -> write. Mixed batches
 * keep their valid events (policy documented in docs/api/capture.md): the answer lists the
 * problems and how many were stored.
 */
export class CapturePipeline {
  constructor(
    private readonly keys: ProjectKeyCache,
    private readonly limiter: EventRateLimiter,
    private readonly sessions: SessionTracker,
    private readonly writer: IngestWriter,
    private readonly cookielessSecret: string,
  ) {}

  /** One HTTP capture request: authenticate, rate-limit, honour Do-Not-Track, then ingest. */
  async capture(req: CaptureRequest): Promise<CaptureResult> {
    const key = req.parsed.apiKey ?? req.headerKey;
    const project = await this.keys.resolve(key);
    this.limiter.take(key!, project.id, project.rateLimitPerSec, req.parsed.items.length);
    if (project.respectDnt && isDoNotTrack(req.headers)) return { accepted: 0, errors: [], spooled: false, dnt: true };

    let sentAt: number | null = null;
    if (req.parsed.sentAt !== null) {
      const t = typeof req.parsed.sentAt === "number" ? req.parsed.sentAt : Date.parse(req.parsed.sentAt);
      if (!Number.isFinite(t)) throw new CaptureError(400, "sent_at", "is not an ISO-8601 date or epoch number");
      sentAt = t;
    }
    return this.ingest(project, req.parsed, { sentAt, ip: req.ip, userAgent: req.userAgent });
  }

  /**
   * Bulk mode (demo data, imports): the same validation, enrichment and writer, for a project
   * given by id, without HTTP, rate limit or Do-Not-Track; each item's own `ip` / `user_agent`
   * stand in for the request's.
   */
  async ingestBulk(projectId: string, items: Array<Record<string, unknown>>): Promise<CaptureResult> {
    const project = await this.keys.byProjectId(projectId);
    const contexts = items.map((i) => ({
      ip: typeof i.ip === "string" ? i.ip : undefined,
      userAgent: typeof i.user_agent === "string" ? i.user_agent : undefined,
    }));
    return this.ingest(project, { apiKey: null, sentAt: null, items, contexts }, { sentAt: null, ip: null, userAgent: null });
  }

  /**
   * Validates and enriches synchronously, then waits for the write holding only the rows: the
   * parsed body is not kept alive while the rows wait for their transaction (less for the
   * garbage collector to copy and promote).
   */
  private ingest(
    project: CaptureProject,
    parsed: ParsedCapture,
    request: { sentAt: number | null; ip: string | null; userAgent: string | null },
  ): Promise<CaptureResult> {
    const { rows, errors } = this.toRows(project, parsed, request);
    return this.write(rows, errors);
  }

  private async write(rows: IngestRow[], errors: Problem[]): Promise<CaptureResult> {
    const outcome = await this.writer.submit(rows);
    return { accepted: rows.length, errors, spooled: outcome.spooled };
  }

  private toRows(
    project: CaptureProject,
    parsed: ParsedCapture,
    request: { sentAt: number | null; ip: string | null; userAgent: string | null },
  ): { rows: IngestRow[]; errors: Problem[] } {
    const receivedAt = Date.now();
    const errors: Problem[] = [];
    const rows: IngestRow[] = [];
    parsed.items.forEach((item, index) => {
      if (item && typeof item === "object" && "problem" in (item as object)) {
        errors.push(item as Problem);
        return;
      }
      const ctx = parsed.contexts?.[index];
      const ev = normalizeEvent(item, index, {
        projectId: project.id,
        receivedAt,
        sentAt: request.sentAt,
        ip: ctx?.ip ?? request.ip,
        userAgent: ctx?.userAgent ?? request.userAgent,
        plainStrings: parsed.plainStrings === true,
      });
      if (isProblem(ev)) return errors.push(ev);
      if (project.strictEvents) {
        const problems = validateDomainEvent(ev.event, ev.properties);
        if (problems.length) return errors.push(...problems.map((p) => ({ index, field: `properties.${p.field}`, problem: p.problem })));
      }
      rows.push(this.toRow(ev, project));
    });
    return { rows, errors };
  }

  private toRow(ev: CapturedEvent, project: CaptureProject): IngestRow {
    if (project.cookieless) {
      const day = ev.timestamp.toISOString().slice(0, 10);
      const host = typeof ev.properties.$host === "string" ? ev.properties.$host : null;
      ev.distinctId = cookielessDistinctId({ projectId: project.id, ip: ev.ip, userAgent: ev.userAgent, host, day, salt: dailySalt(this.cookielessSecret, day) });
    }
    const fields = enrich(ev, { ipMode: project.cookieless ? "drop" : project.ipMode });
    const ms = ev.timestamp.getTime();
    const clientSession = ev.properties.$session_id;
    return {
      projectId: project.id,
      uuid: ev.uuid,
      event: ev.event,
      ts: ms,
      distinctId: ev.distinctId,
      sessionId: typeof clientSession === "string" && clientSession ? clientSession.slice(0, 200) : this.sessions.sessionFor(project.id, ev.distinctId, ms),
      fields,
      revenue: revenueOf(ev.properties),
      propertiesJson: ev.propertiesJson ?? JSON.stringify(ev.properties),
      linkSource: linkSourceOf(ev.event, ev.distinctId, ev.properties),
      definitions: this.writer.definitions.unseen(project.id, ev.event, ev.properties),
      set: ev.set,
      setOnce: ev.setOnce,
    };
  }
}
