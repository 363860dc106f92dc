import type pg from "pg";
import { forEachRowBatch } from "./rows";
import { permute, sortPermutation } from "./sort-by-time";

/**
 * A per-project, in-memory, column-per-array copy of `events` for the per-person insight kinds:
 * timestamp, person (as stored; merges are applied when read), event name and a few
 * low-cardinality extracted columns, as dictionary codes, sorted by time. Built from PostgreSQL
 * on first use, then refreshed incrementally from `inserted_at`: new rows (whatever their
 * timestamp) land in a small sorted delta that reads merge in, and that is folded into the main
 * arrays when it grows. Merges (person_merges) are re-read by `merged_at` and resolved through
 * chains, so a path compression done later in SQL gives the same canonical person here.
 *
 * Memory: 24 bytes per event (ts 8, person 4, event code 2, five column codes 2 each), plus the
 * dictionaries and about 80 bytes per distinct person id. Stores share a budget
 * (FORESIGHT_COLUMNAR_MAX_BYTES, default 1 GiB, about 40M events): the least recently used
 * store is dropped to make room, and a project that alone exceeds it is not kept (its queries
 * read SQL).
 */

/** Cached columns: event property key -> `events` column. Codes are Uint16 (65535 values). */
export const CACHED_COLUMNS = [
  { key: "$geoip_country_code", column: "country" },
  { key: "$device_type", column: "device" },
  { key: "$browser", column: "browser" },
  { key: "$os", column: "os" },
  { key: "utm_source", column: "utm_source" },
] as const;
export const BYTES_PER_EVENT = 8 + 4 + 2 + 2 * CACHED_COLUMNS.length;
const MAX_CODES = 65535;
/** Rows whose inserted_at is this close to the newest seen are re-read (late commits). */
const SLACK_MS = 60_000;

export class Dictionary {
  readonly values: (string | null)[] = [];
  private readonly index = new Map<string | null, number>();
  overflow = false;
  code(v: string | null): number {
    let i = this.index.get(v);
    if (i === undefined) {
      if (this.values.length >= MAX_CODES) {
        this.overflow = true;
        return 0;
      }
      i = this.values.length;
      this.values.push(v);
      this.index.set(v, i);
    }
    return i;
  }
  get(v: string | null): number | undefined {
    return this.index.get(v);
  }
}

export interface Segment {
  n: number;
  ts: Float64Array;
  person: Int32Array;
  event: Uint16Array;
  cols: Uint16Array[];
}

export class ColumnarStore {
  main: Segment = emptySegment(0);
  delta: Segment = emptySegment(0);
  readonly personIds: string[] = [];
  private readonly personIndex = new Map<string, number>();
  /** Raw person -> person it was merged into (-1: none). */
  mergeTo = new Int32Array(1024).fill(-1);
  /** Persons merged into another one (none: every raw person is canonical). */
  merged = 0;
  readonly events = new Dictionary();
  readonly columns = CACHED_COLUMNS.map(() => new Dictionary());
  private reloadFrom: number | null = null;
  mergedHigh = 0;
  erasedHigh = "0";
  /** uuid -> inserted_at (ms) of loaded rows inserted at or after reloadFrom: not loaded twice. */
  private recent = new Map<string, number>();
  lastUsed = Date.now();
  /** Cached per-dictionary predicate results (see columnar-source.ts). */
  readonly predicates = new Map<string, Uint8Array>();

  constructor(readonly projectId: string) {}

  get rows(): number {
    return this.main.n + this.delta.n;
  }
  get bytes(): number {
    return this.rows * BYTES_PER_EVENT + this.personIds.length * 84;
  }

  personOf(uuid: string): number {
    let i = this.personIndex.get(uuid);
    if (i === undefined) {
      i = this.personIds.length;
      this.personIds.push(uuid);
      this.personIndex.set(uuid, i);
      if (i >= this.mergeTo.length) {
        const m = new Int32Array(this.mergeTo.length * 2).fill(-1);
        m.set(this.mergeTo);
        this.mergeTo = m;
      }
    }
    return i;
  }

  /** Canonical raw person of every raw person (follows merge chains); null when there are no merges. */
  canonical(): Int32Array | null {
    if (this.merged === 0) return null;
    const n = this.personIds.length;
    const out = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      let q = p;
      for (let hops = 0; this.mergeTo[q]! >= 0 && hops < 64; hops++) q = this.mergeTo[q]!;
      out[p] = q;
    }
    return out;
  }

  /** Loads rows added since the last load (all rows the first time) and new merges. */
  async refresh(pool: pg.Pool, budgetRows: number): Promise<void> {
    const { rows: clock } = await pool.query<{ now: number }>(`select (extract(epoch from clock_timestamp()) * 1000)::float8 as now`);
    const now = clock[0]!.now;
    // Rows inserted at or after `reloadFrom` were loaded with their uuid (in `recent`): they are
    // read again, as a transaction that started before can commit after the last load.
    const since = this.reloadFrom === null ? null : new Date(this.reloadFrom);
    const cut = now - SLACK_MS;
    const first = since === null;
    const fresh = emptySegment(first ? 1 << 16 : 1024);
    let n = 0;
    // The first load numbers persons in PostgreSQL (their rank by id, listed first in the same
    // snapshot), so rows carry an int instead of a uuid to look up; later loads are small.
    const query = first
      ? {
          text: `select (extract(epoch from e.timestamp) * 1000)::float8, p.ord, e.event, e.country, e.device, e.browser, e.os, e.utm_source,
                        case when e.inserted_at >= $2 then (extract(epoch from e.inserted_at) * 1000)::float8 end,
                        case when e.inserted_at >= $2 then e.uuid::text end, case when p.ord is null then e.person_id::text end
                   from events e
                   left join (select id, (row_number() over (order by id))::int - 1 as ord from persons where project_id = $1) p on p.id = e.person_id
                  where e.project_id = $1`,
          values: [this.projectId, new Date(cut)],
        }
      : {
          text: `select (extract(epoch from timestamp) * 1000)::float8, null::int, event, country, device, browser, os, utm_source,
                        (extract(epoch from inserted_at) * 1000)::float8, uuid::text, person_id::text
                   from events where project_id = $1 and inserted_at >= $2`,
          values: [this.projectId, since],
        };
    const prelude = first
      ? async (client: pg.PoolClient) => {
          const { rows } = await client.query({ text: `select id::text from persons where project_id = $1 order by id`, values: [this.projectId], rowMode: "array" });
          for (const r of rows as string[][]) this.personOf(r[0]!);
        }
      : undefined;
    await forEachRowBatch(
      pool,
      query,
      (batch) => {
        for (const r of batch) {
          const uuid = r[9] as string | null;
          if (uuid !== null) {
            if (this.recent.has(uuid)) continue;
            this.recent.set(uuid, r[8] as number);
          }
          if (this.rows + n >= budgetRows) throw new TooBig();
          if (n === fresh.ts.length) growSegment(fresh);
          fresh.ts[n] = r[0] as number;
          fresh.person[n] = r[1] === null ? this.personOf(r[10] as string) : (r[1] as number);
          fresh.event[n] = this.events.code(r[2] as string);
          for (let c = 0; c < CACHED_COLUMNS.length; c++) fresh.cols[c]![n] = this.columns[c]!.code(r[3 + c] as string | null);
          n++;
        }
      },
      50_000,
      prelude,
    );
    fresh.n = n;
    this.reloadFrom = cut;
    for (const [u, at] of this.recent) if (at < cut) this.recent.delete(u);
    await this.refreshMerges(pool, now);
    if (n > 0) this.add(sortSegment(fresh));
  }

  private async refreshMerges(pool: pg.Pool, now: number) {
    const { rows } = await pool.query<{ from: string; to: string }>(
      `select from_person_id::text as from, to_person_id::text as to from person_merges where project_id = $1 and merged_at >= $2`,
      [this.projectId, new Date(this.mergedHigh - SLACK_MS)],
    );
    for (const r of rows) {
      const from = this.personOf(r.from);
      const to = this.personOf(r.to);
      if (from !== to) {
        if (this.mergeTo[from]! < 0) this.merged++;
        this.mergeTo[from] = to;
      }
    }
    this.mergedHigh = now;
  }

  /** Folds sorted new rows into the delta, and the delta into main when it is large. */
  private add(rows: Segment) {
    if (this.main.n === 0) {
      this.main = rows;
      return;
    }
    this.delta = mergeSegments(this.delta, rows);
    if (this.delta.n > Math.max(100_000, this.main.n >> 4)) {
      this.main = mergeSegments(this.main, this.delta);
      this.delta = emptySegment(0);
    }
  }
}

export class TooBig extends Error {}

function emptySegment(cap: number): Segment {
  return {
    n: 0,
    ts: new Float64Array(cap),
    person: new Int32Array(cap),
    event: new Uint16Array(cap),
    cols: CACHED_COLUMNS.map(() => new Uint16Array(cap)),
  };
}

function growSegment(s: Segment) {
  const cap = Math.max(1024, s.ts.length * 2);
  const g = <T extends Float64Array | Int32Array | Uint16Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(cap);
    b.set(a);
    return b;
  };
  s.ts = g(s.ts);
  s.person = g(s.person);
  s.event = g(s.event);
  s.cols = s.cols.map(g);
}

function sortSegment(s: Segment): Segment {
  const perm = sortPermutation(s.ts, s.n);
  return { n: s.n, ts: permute(s.ts, perm), person: permute(s.person, perm), event: permute(s.event, perm), cols: s.cols.map((c) => permute(c, perm)) };
}

/** Stable merge of two time-sorted segments (a's rows first on equal ts). */
export function mergeSegments(a: Segment, b: Segment): Segment {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const out = emptySegment(a.n + b.n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.ts.length; k++) {
    const fromA = j >= b.n || (i < a.n && a.ts[i]! <= b.ts[j]!);
    const s = fromA ? a : b;
    const x = fromA ? i++ : j++;
    out.ts[k] = s.ts[x]!;
    out.person[k] = s.person[x]!;
    out.event[k] = s.event[x]!;
    for (let c = 0; c < out.cols.length; c++) out.cols[c]![k] = s.cols[c]![x]!;
  }
  out.n = a.n + b.n;
  return out;
}

// ---- the stores of this process --------------------------------------------------------------

const stores = new Map<string, ColumnarStore>();
const pending = new Map<string, Promise<ColumnarStore | null>>();
/** Projects too large for the budget, with the time they were found so. */
const tooBig = new Map<string, number>();

function budgetBytes(): number {
  const v = Number(process.env.FORESIGHT_COLUMNAR_MAX_BYTES);
  return Number.isFinite(v) && v > 0 ? v : 1 << 30;
}

async function erasedMarker(pool: pg.Pool, projectId: string): Promise<string> {
  const { rows } = await pool.query<{ id: string | null }>(
    `select max(id)::text as id from audit_logs where project_id = $1 and action = 'person.erased'`,
    [projectId],
  );
  return rows[0]?.id ?? "0";
}

/**
 * The project's store, brought up to date (built on first use). Null when the project does not
 * fit the memory budget or a dictionary overflowed: the caller reads SQL instead.
 */
export function columnarStore(pool: pg.Pool, projectId: string): Promise<ColumnarStore | null> {
  const running = pending.get(projectId);
  if (running) return running;
  const p = (async () => {
    const refused = tooBig.get(projectId);
    if (refused !== undefined && Date.now() - refused < 10 * 60_000) return null;
    let store = stores.get(projectId);
    const erased = await erasedMarker(pool, projectId);
    if (store && store.erasedHigh !== erased) store = undefined; // a person was erased: rebuild
    const fresh = !store;
    if (!store) {
      store = new ColumnarStore(projectId);
      store.erasedHigh = erased;
    }
    const budget = budgetBytes();
    try {
      await store.refresh(pool, Math.floor(budget / BYTES_PER_EVENT));
    } catch (err) {
      if (!(err instanceof TooBig)) throw err;
      stores.delete(projectId);
      tooBig.set(projectId, Date.now());
      return null;
    }
    if (store.events.overflow) {
      stores.delete(projectId);
      tooBig.set(projectId, Date.now());
      return null;
    }
    store.lastUsed = Date.now();
    if (fresh) stores.set(projectId, store);
    evict(budget, projectId);
    return store;
  })();
  pending.set(projectId, p);
  return p.finally(() => pending.delete(projectId));
}

function evict(budget: number, keep: string) {
  let total = 0;
  for (const s of stores.values()) total += s.bytes;
  const byAge = [...stores.values()].filter((s) => s.projectId !== keep).sort((a, b) => a.lastUsed - b.lastUsed);
  for (const s of byAge) {
    if (total <= budget) break;
    stores.delete(s.projectId);
    total -= s.bytes;
  }
}

/** Builds or refreshes the project's columnar store now (server warm-up, benchmarks). */
export async function prepareColumnar(pool: pg.Pool, projectId: string): Promise<void> {
  await columnarStore(pool, projectId);
}

/** Forgets the project's store (tests; after rewriting history). */
export function dropColumnar(projectId?: string): void {
  if (projectId === undefined) {
    stores.clear();
    tooBig.clear();
  } else {
    stores.delete(projectId);
    tooBig.delete(projectId);
  }
}

export function columnarStats(): { projectId: string; rows: number; deltaRows: number; persons: number; bytes: number }[] {
  return [...stores.values()].map((s) => ({ projectId: s.projectId, rows: s.rows, deltaRows: s.delta.n, persons: s.personIds.length, bytes: s.bytes }));
}
