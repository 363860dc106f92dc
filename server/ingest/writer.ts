import pg from "pg";
import type { Logger } from "../logger";
import { copyInThen } from "./copy-in";
import { copyBinary, EVENT_COLUMNS } from "./copy-rows";
import { DefinitionRegistry } from "./definitions";
import { personUpdateSql, preCreatePersons, resolvePersons, type PersonPlan } from "./identity";
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
 * The statements claiming the batch's event ids in `event_uuids`, one per project, sent in the
 * round trip that begins the transaction. Plain inserts: a duplicate (project, uuid) fails the
 * statement (23505) and the writer starts over with `careful`, where conflicts are skipped and
 * the statements return the ids that were new. Values go as escaped literals (ids and epoch ms
 * as comma-joined text: cheaper to build than array parameters).
 */
function claimSql(byProject: Map<string, IngestRow[]>, careful: boolean): string {
  let sql = "";
  for (const [projectId, rows] of byProject) {
    let uuids = "";
    let times = "";
    for (let i = 0; i < rows.length; i++) {
      const sep = i ? "," : "";
      uuids += sep + rows[i]!.uuid;
      times += sep + rows[i]!.ts;
    }
    sql +=
      ` insert into event_uuids (project_id, uuid, timestamp) select ${pg.escapeLiteral(projectId)}::uuid, u, to_timestamp(t / 1000.0)` +
      ` from unnest(string_to_array(${listLiteral(uuids)}, ',')::uuid[], string_to_array(${listLiteral(times)}, ',')::float8[]) as x(u, t)` +
      (careful ? " on conflict do nothing returning uuid;" : ";");
  }
  return sql;
}

const LIST_CHARS = /^[0-9a-fA-F,.\-]*$/;
/**
 * A comma-joined list of uuids or numbers as a SQL literal: quoted as is when it holds only
 * those characters (always, for validated ids and epoch ms: pg's escapeLiteral would copy the
 * ~40 KB string a character at a time for nothing), else escaped by pg.
 */
function listLiteral(list: string): string {
  return LIST_CHARS.test(list) ? `'${list}'` : pg.escapeLiteral(list);
}

/** The group's rows by project, without repeated (project, uuid): the first occurrence stays. */
function byProjectUnique(input: IngestRow[]): { rows: IngestRow[]; byProject: Map<string, IngestRow[]> } {
  const byProject = new Map<string, IngestRow[]>();
  const seen = new Map<string, Set<string>>();
  let rows = input;
  for (let i = 0; i < input.length; i++) {
    const r = input[i]!;
    let s = seen.get(r.projectId);
    if (!s) {
      seen.set(r.projectId, (s = new Set()));
      byProject.set(r.projectId, []);
    }
    if (s.has(r.uuid)) {
      if (rows === input) rows = input.slice(0, i);
      continue;
    }
    s.add(r.uuid);
    if (rows !== input) rows.push(r);
    byProject.get(r.projectId)!.push(r);
  }
  return { rows, byProject };
}

/** The plan's entries for the rows `keep` selects. */
function keepRows(rows: IngestRow[], plan: PersonPlan, keep: (r: IngestRow) => boolean): { rows: IngestRow[]; plan: PersonPlan } {
  const out: IngestRow[] = [];
  const personIds: Array<string | undefined> = [];
  const links: PersonPlan["links"] = plan.links ? [] : null;
  rows.forEach((r, i) => {
    if (!keep(r)) return;
    out.push(r);
    personIds.push(plan.personIds[i]);
    links?.push(plan.links![i]!);
  });
  return { rows: out, plan: { personIds, links: links && links.some((l) => l) ? links : null } };
}

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /Connection terminated|connection timeout|Connection refused|terminating connection|server closed the connection/i.test(e.message ?? "");
}

const COPY_SQL = `copy events (${EVENT_COLUMNS.join(", ")}) from stdin with (format binary)`;
const RETRYABLE = new Set(["40P01", "40001"]);
/** After a duplicate event id, claims skip conflicts for this long (clients retrying send runs of them). */
const CAREFUL_MS = 5_000;

/**
 * Group commit for capture: concurrent requests' batches are written together, up to
 * `maxRows` per transaction on up to `connections` connections, and each request is answered
 * once its rows are committed. A transaction takes two round trips when its persons are known
 * (docs/decisions/0012-ingest-writer-two-round-trips.md): (1) begin, the project locks, recent
 * merges and the claims of its event ids in `event_uuids`; (2) a binary COPY of the new events,
 * the person property updates and the commit. Persons of new distinct ids are created before,
 * in a statement of their own; identify/alias links and persons not cached are resolved between.
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
  private carefulUntil = 0;
  readonly persons = new PersonCache();
  private merges = new MergeWatch();
  readonly definitions = new DefinitionRegistry();

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

  /** true while the database is unreachable (accepted batches go to the spool) or the spool replays. */
  get spooling(): boolean {
    return this.mode === "spool";
  }

  /** Spool files waiting for replay. */
  spoolPending(): { files: number; bytes: number } {
    return this.spool.pending();
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
    const { rows: unique, byProject } = byProjectUnique(input);
    const projects = [...byProject.keys()];
    let plan = await preCreatePersons(this.pool, unique, this.persons);
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      // One round trip: begin, the project locks, recent merges, and the event id claims.
      const begin = this.merges.beginSql(projects, exclusive);
      let careful = Date.now() < this.carefulUntil;
      type Results = Array<{ rows: Array<{ from_person_id: string | null; now: number; uuid: string }> }>;
      let results: Results;
      try {
        results = (await client.query(begin.sql + claimSql(byProject, careful))) as unknown as Results;
      } catch (err) {
        if (careful || (err as { code?: string }).code !== "23505") throw err;
        // A duplicate event id: start over, skipping the ids already stored.
        await client.query("rollback");
        careful = true;
        this.carefulUntil = Date.now() + CAREFUL_MS;
        results = (await client.query(begin.sql + claimSql(byProject, true))) as unknown as Results;
      }
      this.merges.apply(results, begin.projects, this.persons);
      let rows = unique;
      if (careful) {
        const fresh = new Map<string, Set<string>>();
        const claims = results.slice(1 + 2 * begin.projects.length);
        projects.forEach((p, i) => fresh.set(p, new Set(claims[i]!.rows.map((r) => r.uuid))));
        if (claims.reduce((n, r) => n + r.rows.length, 0) < rows.length) {
          ({ rows, plan } = keepRows(rows, plan, (r) => fresh.get(r.projectId)!.has(r.uuid)));
        }
      }
      let commitDefinitions = () => {};
      let commitPersons = () => {};
      if (rows.length) {
        const { personIds, updates, commit } = await resolvePersons(client, rows, plan, this.persons);
        commitPersons = commit;
        commitDefinitions = await this.definitions.record(client, rows);
        // The COPY, the person updates (last: their row locks are held briefly) and the commit
        // go in one round trip.
        // Nested loops only for the update, so it locks persons in the recordset's (id) order
        // whatever plan the row count suggests: two writers' updates then never deadlock.
        const after = (updates.length ? "set local enable_hashjoin = off; set local enable_mergejoin = off; " + personUpdateSql(updates) + "; " : "") + "commit";
        const tags = await copyInThen(client, COPY_SQL, copyBinary(rows, personIds), after);
        if (tags[tags.length - 1] !== "COMMIT") throw new Error(`the events transaction ended with ${tags.join(", ")}, not COMMIT`);
      } else {
        await client.query("commit");
      }
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
