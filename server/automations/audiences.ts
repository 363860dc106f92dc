import Papa from "papaparse";
import type pg from "pg";
import type { Deps } from "../deps";
import { QueryInputError } from "../query/errors";
import { REDACTED, type AudienceSyncInput } from "./schema";
import { postSigned } from "./send";

type PrismaClient = Deps["db"]["prisma"];

/** Members per POST; a larger cohort goes in several pages, each signed on its own. */
export const SYNC_PAGE_SIZE = 5000;

type SyncRow = Awaited<ReturnType<PrismaClient["audienceSync"]["findFirstOrThrow"]>>;
function syncView(r: SyncRow, cohortName: string | null) {
  return {
    id: r.id,
    cohortId: r.cohortId,
    cohortName,
    url: r.url,
    properties: r.properties,
    enabled: r.enabled,
    lastSyncedAt: r.lastSyncedAt,
    lastCount: r.lastCount,
    lastError: r.lastError,
  };
}
export type AudienceSyncView = ReturnType<typeof syncView>;

async function cohortName(prisma: PrismaClient, projectId: string, cohortId: string): Promise<string> {
  const c = await prisma.cohort.findFirst({ where: { id: cohortId, projectId }, select: { name: true } });
  if (!c) throw new QueryInputError("cohortId", "no such cohort in this project");
  return c.name;
}

export async function listAudienceSyncs(prisma: PrismaClient, projectId: string) {
  const rows = await prisma.audienceSync.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } });
  const names = new Map((await prisma.cohort.findMany({ where: { projectId }, select: { id: true, name: true } })).map((c) => [c.id, c.name]));
  return rows.map((r) => syncView(r, names.get(r.cohortId) ?? null));
}

export async function createAudienceSync(prisma: PrismaClient, projectId: string, input: AudienceSyncInput) {
  const name = await cohortName(prisma, projectId, input.cohortId);
  if (input.secret === REDACTED) throw new QueryInputError("secret", "give the webhook's secret (at least 16 characters)");
  const row = await prisma.audienceSync.create({
    data: { projectId, cohortId: input.cohortId, url: input.url, properties: input.properties, secret: input.secret, enabled: input.enabled },
  });
  return syncView(row, name);
}

export async function updateAudienceSync(prisma: PrismaClient, projectId: string, id: string, input: AudienceSyncInput) {
  const previous = await prisma.audienceSync.findFirst({ where: { id, projectId } });
  if (!previous) return null;
  const name = await cohortName(prisma, projectId, input.cohortId);
  const secret = input.secret === REDACTED ? previous.secret : input.secret;
  const row = await prisma.audienceSync.update({
    where: { id },
    data: { cohortId: input.cohortId, url: input.url, properties: input.properties, secret, enabled: input.enabled },
  });
  return syncView(row, name);
}

export async function deleteAudienceSync(prisma: PrismaClient, projectId: string, id: string): Promise<boolean> {
  return (await prisma.audienceSync.deleteMany({ where: { id, projectId } })).count > 0;
}

export interface AudienceMember {
  personId: string;
  distinctIds: string[];
  properties: Record<string, unknown>;
}

/** A cohort's members as last computed (canonical persons), with their distinct ids and the chosen properties. */
export async function audienceMembers(pool: pg.Pool, projectId: string, cohortId: string, properties: string[]): Promise<AudienceMember[]> {
  const { rows } = await pool.query<{ person_id: string; properties: Record<string, unknown> | null; distinct_ids: string[] | null }>(
    `select cm.person_id, p.properties,
            (select array_agg(d.distinct_id order by d.distinct_id) from person_distinct_ids d where d.project_id = cm.project_id and d.person_id = cm.person_id) as distinct_ids
       from cohort_members cm left join persons p on p.id = cm.person_id
      where cm.project_id = $1 and cm.cohort_id = $2
      order by cm.person_id`,
    [projectId, cohortId],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    distinctIds: r.distinct_ids ?? [],
    properties: Object.fromEntries(properties.filter((k) => r.properties && k in r.properties).map((k) => [k, r.properties![k]])),
  }));
}

/** A cell that a spreadsheet would run as a formula gets a leading apostrophe. */
function cell(v: unknown): string {
  const text = v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** CSV of a cohort's members: person_id, distinct_ids (space-separated), then one column per chosen property. */
export function membersCsv(members: AudienceMember[], properties: string[]): string {
  const header = ["person_id", "distinct_ids", ...properties];
  const rows = members.map((m) => [m.personId, m.distinctIds.map(cell).join(" "), ...properties.map((k) => cell(m.properties[k]))]);
  return Papa.unparse({ fields: header, data: rows }, { newline: "\n" }) + "\n";
}

/** Posts one sync's cohort to its webhook (pages of SYNC_PAGE_SIZE), and records the outcome on the row. */
export async function syncAudience(deps: Pick<Deps, "db" | "logger">, syncId: string, opts: { now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const { prisma, pool } = deps.db;
  const sync = await prisma.audienceSync.findUnique({ where: { id: syncId } });
  if (!sync) return null;
  const { url, properties } = sync;
  const cohort = await prisma.cohort.findFirst({ where: { id: sync.cohortId, projectId: sync.projectId }, select: { id: true, name: true, computedAt: true } });
  try {
    if (!cohort) throw new Error("the cohort was deleted");
    if (!sync.secret) throw new Error("no secret to sign with");
    const members = await audienceMembers(pool, sync.projectId, cohort.id, properties);
    const pages = Math.max(1, Math.ceil(members.length / SYNC_PAGE_SIZE));
    for (let page = 1; page <= pages; page++) {
      const body = JSON.stringify({
        version: 1,
        type: "audience.sync",
        syncId: sync.id,
        cohort: { id: cohort.id, name: cohort.name, computedAt: cohort.computedAt?.toISOString() ?? null },
        syncedAt: now.toISOString(),
        total: members.length,
        page,
        pages,
        properties,
        members: members.slice((page - 1) * SYNC_PAGE_SIZE, page * SYNC_PAGE_SIZE),
      });
      await postSigned(url, sync.secret, body, { "x-foresight-event": "audience.sync", "x-foresight-delivery": `audience-sync-${sync.id}-${now.getTime()}-${page}` }, now);
    }
    await prisma.audienceSync.update({ where: { id: sync.id }, data: { lastSyncedAt: now, lastCount: members.length, lastError: null } });
    return { ok: true as const, count: members.length, pages };
  } catch (err) {
    const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    await prisma.audienceSync.update({ where: { id: sync.id }, data: { lastError } });
    deps.logger.warn({ syncId, err: lastError }, "audience sync failed");
    return { ok: false as const, error: lastError };
  }
}

/** Syncs every enabled audience (or one); failures are recorded on their rows and tried again next run. */
export async function syncAudiences(deps: Pick<Deps, "db" | "logger">, opts: { syncId?: string; now?: Date } = {}) {
  const syncs = await deps.db.prisma.audienceSync.findMany({ where: opts.syncId ? { id: opts.syncId } : { enabled: true }, select: { id: true } });
  let synced = 0;
  let failed = 0;
  for (const s of syncs) {
    const r = await syncAudience(deps, s.id, opts);
    if (r?.ok) synced++;
    else failed++;
  }
  return { synced, failed };
}
