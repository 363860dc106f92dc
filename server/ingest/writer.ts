import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Logger } from "../logger";
import { copyText, EVENT_COLUMNS } from "./copy-rows";
import { DefinitionRegistry } from "./definitions";
import { preCreatePersons, resolvePersons } from "./identity";
import { MergeWatch } from "./merge-watch";
import { PersonCache } from "./person-cache";
import type { IngestRow } from "./ingest-row";
import type { Spool } from "./spool";

export interface WriteOutcome {
  /** true when the batch went to the disk spool because the database was unreachable. */
  spooled: boolean;
}

interface Submission {
  rows: IngestRow[];
  resolve(o: WriteOutcome): void;
  reject(e: unknown): void;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH",
  "57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006",
]);

/**
 * Claims the batch's event ids in `event_uuids`; returns "project+uuid" of those not seen before.
 * Ids travel as one comma-joined text per project (cheaper to encode than array parameters).
 */
async function insertEventIds(client: pg.PoolClient, rows: IngestRow[]): Promise<Set<string>> {
  const byProject = new Map<string, { uuids: string[]; times: string[] }>();
  for (const r of rows) {
    let g = byProject.get(r.projectId);
    if (!g) byProject.set(r.projectId, (g = { uuids: [], times: [] }));
    g.uuids.push(r.uuid);
    g.times.push(String(r.ts));
  }
  const fresh = new Set<string>();
  for (const [projectId, g] of byProject) {
    const { rows: inserted } = await client.query(
      `insert into event_uuids (project_id, uuid, timestamp)
       select $1::uuid, u, to_timestamp(t / 1000.0)
         from unnest(string_to_array($2, ',')::uuid[], string_to_array($3, ',')::float8[]) as x(u, t)
       on conflict do nothing returning uuid`,
      [projectId, g.uuids.join(","), g.times.join(",")],
    );
    for (const r of inserted) fresh.add(projectId + r.uuid);
  }
  return fresh;
}

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /Connection terminated|connection timeout|Connection refused|terminating connection|server closed the connection/i.test(e.message ?? "");
}

const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Group commit for capture: concurrent requests' batches are written together, up to
 * `maxRows` per transaction on up to `connections` connections, and each request is answered
 * once its rows are committed. A transaction dedupes by (project, uuid) through `event_uuids`,
 * resolves persons, COPYs the new events and records definitions.
 * When the database is unreachable, batches go to the spool (answered after fsync) and are
 * replayed in order once it is back; until the spool is drained, new batches queue behind it.
 */
export class IngestWriter {
  private pending: Submission[] = [];
  private active = 0;
  private idle: Array<() => void> = [];
  private mode: "db" | "spool" = "db";
  private recovering: Promise<void> | null = null;
  private closed = false;
  readonly persons = new PersonCache();
  private merges = new MergeWatch();
  private definitions = new DefinitionRegistry();

  constructor(
    private readonly pool: pg.Pool,
    private readonly spool: Spool,
    private readonly logger: Logger,
    private readonly opts: { maxRows?: number; connections?: number; probeMs?: number } = {},
  ) {
    if (spool.hasData()) this.enterSpoolMode("spool files left by an earlier run");
  }

  submit(rows: IngestRow[]): Promise<WriteOutcome> {
    if (this.closed) return Promise.reject(new Error("ingest writer is closed"));
    if (!rows.length) return Promise.resolve({ spooled: false });
    if (this.mode === "spool") return this.toSpool(rows);
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.pump();
    });
  }

  /** Waits for queued and in-flight writes; a spool replay stops, and resumes at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.active > 0 || this.pending.length > 0) await new Promise<void>((r) => this.idle.push(r));
    await this.spool.close();
  }

  private pump() {
    const maxRows = this.opts.maxRows ?? 1000;
    while (this.active < (this.opts.connections ?? 3) && this.pending.length) {
      const group: Submission[] = [];
      let n = 0;
      while (this.pending.length && (group.length === 0 || n + this.pending[0]!.rows.length <= maxRows)) {
        const s = this.pending.shift()!;
        group.push(s);
        n += s.rows.length;
      }
      this.active++;
      void this.writeGroup(group).finally(() => {
        this.active--;
        if (this.active === 0 && this.pending.length === 0) this.idle.splice(0).forEach((r) => r());
        this.pump();
      });
    }
  }

  private async writeGroup(group: Submission[]) {
    try {
      await this.writeWithRetry(group.flatMap((s) => s.rows));
      group.forEach((s) => s.resolve({ spooled: false }));
    } catch (err) {
      if (isConnectionError(err)) {
        this.enterSpoolMode((err as Error).message);
        for (const s of group) await this.toSpool(s.rows).then(s.resolve, s.reject);
      } else if (group.length > 1) {
        // Isolate the submission that fails so the others still commit.
        for (const s of group) await this.writeGroup([s]);
      } else {
        this.logger.error({ err }, "ingest write failed");
        group[0]!.reject(err);
      }
    }
  }

  private async toSpool(rows: IngestRow[]): Promise<WriteOutcome> {
    await this.spool.append(rows);
    return { spooled: true };
  }

  private enterSpoolMode(reason: string) {
    if (this.mode === "spool") return;
    this.mode = "spool";
    this.logger.warn({ reason }, "database unreachable: capture is spooling to disk");
    this.recovering ??= this.recover().finally(() => (this.recovering = null));
  }

  private async recover() {
    const probeMs = this.opts.probeMs ?? 1000;
    for (;;) {
      if (this.closed) return;
      try {
        await this.pool.query("select 1");
        const files = await this.spool.rotate();
        if (!files.length) {
          if (this.spool.pendingAppends === 0) {
            this.mode = "db";
            this.logger.info("database is back: spool replayed, capture writes to the database again");
            this.pump();
            return;
          }
          continue;
        }
        for (const file of files) {
          for await (const rows of this.spool.read(file)) {
            await this.writeWithRetry(rows);
          }
          await this.spool.remove(file);
        }
      } catch (err) {
        if (!isConnectionError(err)) this.logger.error({ err }, "spool replay failed; retrying");
        await new Promise((r) => setTimeout(r, probeMs));
      }
    }
  }

  private async writeWithRetry(rows: IngestRow[]): Promise<void> {
    let exclusive = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeRows(rows, exclusive);
      } catch (err) {
        exclusive ||= (err as { code?: string }).code === "40P01";
        if (attempt >= 4 || !RETRYABLE.has((err as { code?: string }).code ?? "")) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private async writeRows(input: IngestRow[], exclusive = false): Promise<void> {
    const seen = new Set<string>();
    const rows = input.filter((r) => {
      const k = r.projectId + r.uuid;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const newPersons = await preCreatePersons(this.pool, rows, this.persons);
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      const begin = this.merges.beginSql(rows.map((r) => r.projectId), exclusive);
      const results = (await client.query(begin.sql)) as unknown as Array<{ rows: Array<{ from_person_id: string | null; now: number }> }>;
      this.merges.apply(results, begin.projects, this.persons);
      const fresh = await insertEventIds(client, rows);
      const toWrite = fresh.size === rows.length ? rows : rows.filter((r) => fresh.has(r.projectId + r.uuid));
      let commitDefinitions = () => {};
      let commitPersons = () => {};
      if (toWrite.length) {
        const { personIds, commit } = await resolvePersons(client, toWrite, this.persons, newPersons);
        commitPersons = commit;
        await new Promise<void>((resolve, reject) => {
          const stream = client.query(copyFrom(`copy events (${EVENT_COLUMNS.join(", ")}) from stdin`));
          stream.on("error", reject);
          stream.on("finish", () => resolve());
          stream.end(copyText(toWrite, personIds));
        });
        commitDefinitions = await this.definitions.record(client, toWrite);
      }
      await client.query("commit");
      commitPersons();
      commitDefinitions();
    } catch (err) {
      broken = err;
      await client.query("rollback").catch(() => {});
      throw err;
    } finally {
      client.release(isConnectionError(broken) ? (broken as Error) : undefined);
    }
  }
}
