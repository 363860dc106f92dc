import { eventColumn } from "../columns";
import type { QueryContext } from "../context";
import { zonedParts } from "../date-range";
import { propertyCondition } from "../filters";
import { ALL_EVENTS, type Filter, type FilterGroup, type PropertyFilter } from "../schema/common";
import { ident, render, sql } from "../sql";
import { CACHED_COLUMNS, columnarStore, type ColumnarStore, type Segment } from "./columnar-store";
import { compareCodePoints, compareNullableLast, selectorRank } from "./order";
import type { EventStream, StreamRequest } from "./types";

const COLUMN_OF_KEY = new Map<string, number>(CACHED_COLUMNS.map((c, i) => [c.key, i]));

function filterOk(f: Filter | FilterGroup): boolean {
  if ("op" in f) return f.filters.every(filterOk);
  return f.type === "event" && COLUMN_OF_KEY.has(f.key);
}

/** True when every filter, selector and breakdown of the request reads only cached columns. */
export function columnarCanAnswer(ctx: QueryContext, req: StreamRequest): boolean {
  if (req.pathnames) return false;
  if (!req.filters.every(filterOk)) return false;
  if (!req.selectors.every((s) => s.filters.every(filterOk))) return false;
  if (req.excludeTestAccounts && !ctx.testAccountFilters.every(filterOk)) return false;
  const b = req.breakdown;
  if (b && b.type !== "day_of_week" && b.type !== "hour_of_day" && !(b.type === "event" && COLUMN_OF_KEY.has(b.key))) return false;
  return true;
}

function columnsOf(fs: readonly (Filter | FilterGroup)[], out: Set<number>): Set<number> {
  for (const f of fs) {
    if ("op" in f) columnsOf(f.filters, out);
    else if (f.type === "event" && COLUMN_OF_KEY.has(f.key)) out.add(COLUMN_OF_KEY.get(f.key)!);
  }
  return out;
}

/** Cached columns the request reads. */
function usedColumns(ctx: QueryContext, req: StreamRequest): Set<number> {
  const out = columnsOf(req.filters, new Set());
  for (const s of req.selectors) columnsOf(s.filters, out);
  if (req.excludeTestAccounts) columnsOf(ctx.testAccountFilters, out);
  if (req.breakdown?.type === "event" && COLUMN_OF_KEY.has(req.breakdown.key)) out.add(COLUMN_OF_KEY.get(req.breakdown.key)!);
  return out;
}

/** A filter tree whose leaves are truth tables over a column's dictionary codes. */
type Tree = { leaf: number; table: Uint8Array } | { op: "and" | "or"; parts: Tree[] };

function holds(t: Tree, seg: Segment, i: number): boolean {
  if ("leaf" in t) return t.table[seg.cols[t.leaf]![i]!] === 1;
  if (t.op === "and") {
    for (const p of t.parts) if (!holds(p, seg, i)) return false;
    return true;
  }
  for (const p of t.parts) if (holds(p, seg, i)) return true;
  return false;
}

/**
 * PostgreSQL decides each leaf over the column's dictionary (so `contains`, regex, numeric
 * comparisons mean exactly what they mean in the SQL source): the dictionary goes in as one
 * text[] parameter, aliased as the column the compiled condition reads.
 */
async function leafTable(ctx: QueryContext, store: ColumnarStore, f: PropertyFilter): Promise<{ leaf: number; table: Uint8Array }> {
  const c = COLUMN_OF_KEY.get(f.key)!;
  const dict = store.columns[c]!;
  const key = `${c}:${dict.values.length}:${JSON.stringify(f)}`;
  let table = store.predicates.get(key);
  if (!table) {
    const col = eventColumn(f.key)!;
    const q = render(sql`select (e.i - 1)::int as code from (select t.v as ${ident(col)}, t.i from unnest(${dict.values}::text[]) with ordinality as t(v, i)) e
                          where ${propertyCondition(f)}`);
    const { rows } = await ctx.pool.query<{ code: number }>(q.text, q.values);
    table = new Uint8Array(dict.values.length);
    for (const r of rows) table[r.code] = 1;
    if (store.predicates.size > 1000) store.predicates.clear();
    store.predicates.set(key, table);
  }
  return { leaf: c, table };
}

async function compile(ctx: QueryContext, store: ColumnarStore, fs: readonly (Filter | FilterGroup)[], op: "and" | "or" = "and"): Promise<Tree | null> {
  if (fs.length === 0) return null;
  const parts: Tree[] = [];
  for (const f of fs) {
    if ("op" in f) {
      const t = await compile(ctx, store, f.filters, f.op);
      parts.push(t ?? { op: f.op, parts: [] });
    } else parts.push(await leafTable(ctx, store, f as PropertyFilter));
  }
  return { op, parts };
}

function lowerBound(ts: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Out {
  n = 0;
  ts: Float64Array;
  person: Int32Array;
  match: Uint32Array;
  event: Int32Array;
  bd: Int32Array;
  constructor(cap: number) {
    cap = Math.max(16, cap);
    this.ts = new Float64Array(cap);
    this.person = new Int32Array(cap);
    this.match = new Uint32Array(cap);
    this.event = new Int32Array(cap);
    this.bd = new Int32Array(cap);
  }
  grow() {
    const cap = this.ts.length * 2;
    const g = <T extends Float64Array | Int32Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts);
    this.person = g(this.person);
    this.match = g(this.match);
    this.event = g(this.event);
    this.bd = g(this.bd);
  }
}

/** The request's stream from the project's columnar store; null when there is no store. */
export async function loadColumnarStream(ctx: QueryContext, req: StreamRequest): Promise<EventStream | null> {
  const store = await columnarStore(ctx.pool, ctx.projectId);
  if (!store) return null;
  // A column with more distinct values than its codes can hold is answered by SQL.
  for (const c of usedColumns(ctx, req)) if (store.columns[c]!.overflow) return null;
  // The rows read: a refresh running during the awaits below replaces segments, never changes
  // them, and only adds dictionary codes (tables built later cover these rows' codes).
  const segs = [store.main, store.delta];
  const canonical = store.canonical();
  if (req.selectors.length > 31) throw new Error("at most 31 selectors per stream");

  // Selectors without filters become one mask per event code; the others are checked per row.
  const eventMask = new Uint32Array(store.events.values.length);
  const filtered: { bit: number; code: number; tree: Tree }[] = [];
  for (let s = 0; s < req.selectors.length; s++) {
    const sel = req.selectors[s]!;
    const code = sel.event === ALL_EVENTS ? -1 : (store.events.get(sel.event) ?? -2);
    if (code === -2) continue;
    const tree = await compile(ctx, store, sel.filters);
    if (tree) filtered.push({ bit: 1 << s, code, tree });
    else if (code === -1) for (let c = 0; c < eventMask.length; c++) eventMask[c]! |= 1 << s;
    else eventMask[code]! |= 1 << s;
  }
  const global = await compile(ctx, store, req.filters);
  const testAccounts = req.excludeTestAccounts ? await compile(ctx, store, ctx.testAccountFilters, "or") : null;
  const b = req.breakdown;
  const bdColumn = b?.type === "event" ? COLUMN_OF_KEY.get(b.key)! : -1;
  const local = b?.type === "day_of_week" || b?.type === "hour_of_day" ? b.type : null;
  const all = !!req.allEvents;
  const from = req.range.from.getTime();
  const to = req.range.to.getTime();

  const bounds = segs.map((s) => [lowerBound(s.ts, s.n, from), lowerBound(s.ts, s.n, to)] as const);
  const fast = bounds[1]![0] === bounds[1]![1] && filtered.length === 0 && !global && !testAccounts && !b && !all;
  // The fast path counts its rows first (a sequential pass) to allocate the output once.
  let size = 0;
  if (fast) {
    const ev = segs[0]!.event;
    for (let i = bounds[0]![0]; i < bounds[0]![1]; i++) if (eventMask[ev[i]!] !== 0) size++;
  } else size = Math.min(1 << 20, bounds.reduce((a, [lo, hi]) => a + hi - lo, 0));
  const out = new Out(size);
  let slot = NaN;
  let slotValue = -1;

  const visit = (seg: Segment, i: number) => {
    const code = seg.event[i]!;
    let m = eventMask[code]!;
    for (let k = 0; k < filtered.length; k++) {
      const f = filtered[k]!;
      if ((f.code === -1 || f.code === code) && holds(f.tree, seg, i)) m |= f.bit;
    }
    if (m === 0 && !all) return;
    if (global && !holds(global, seg, i)) return;
    if (testAccounts && holds(testAccounts, seg, i)) return;
    if (out.n === out.ts.length) out.grow();
    const j = out.n++;
    const t = seg.ts[i]!;
    out.ts[j] = t;
    out.person[j] = canonical === null ? seg.person[i]! : canonical[seg.person[i]!]!;
    out.match[j] = m;
    out.event[j] = code;
    if (bdColumn >= 0) out.bd[j] = seg.cols[bdColumn]![i]!;
    else if (local) {
      // Offsets of every zone are whole quarter hours: one lookup per 15 minutes.
      const q = Math.floor(t / 900_000);
      if (q !== slot) {
        const p = zonedParts(new Date(q * 900_000), ctx.timezone);
        slot = q;
        slotValue = local === "day_of_week" ? p.weekday + 1 : p.hour;
      }
      out.bd[j] = slotValue;
    }
  };

  const [main, delta] = segs as [Segment, Segment];
  let [i, iEnd] = bounds[0]!;
  let [j, jEnd] = bounds[1]!;
  if (fast) {
    // The common case (event names only, nothing in the delta), without a call per row.
    const ev = main.event;
    const mts = main.ts;
    const mp = main.person;
    const { ts: ots, person: op, match: om, event: oe } = out;
    let k = 0;
    for (; i < iEnd; i++) {
      const m = eventMask[ev[i]!]!;
      if (m === 0) continue;
      ots[k] = mts[i]!;
      op[k] = canonical === null ? mp[i]! : canonical[mp[i]!]!;
      om[k] = m;
      oe[k] = ev[i]!;
      k++;
    }
    out.n = k;
  } else if (j === jEnd) for (; i < iEnd; i++) visit(main, i);
  else
    while (i < iEnd || j < jEnd) {
      if (j >= jEnd || (i < iEnd && main.ts[i]! <= delta.ts[j]!)) visit(main, i++);
      else visit(delta, j++);
    }

  const bdText = (v: number): string | null => (bdColumn >= 0 ? store.columns[bdColumn]!.values[v]! : String(v));
  orderTies(out, store, bdText, !!b);
  return finish(out, store, req, bdText);
}

/** Puts rows with equal ts in the order the SQL source gives them (see order.ts). */
function orderTies(out: Out, store: ColumnarStore, bdText: (v: number) => string | null, withBreakdown: boolean) {
  const names = store.events.values as string[];
  const compare = (x: number, y: number) =>
    (out.person[x] === out.person[y] ? 0 : compareCodePoints(store.personIds[out.person[x]!]!, store.personIds[out.person[y]!]!)) ||
    selectorRank(out.match[x]!) - selectorRank(out.match[y]!) ||
    (out.event[x] === out.event[y] ? 0 : compareCodePoints(names[out.event[x]!]!, names[out.event[y]!]!)) ||
    (withBreakdown && out.bd[x] !== out.bd[y] ? compareNullableLast(bdText(out.bd[x]!), bdText(out.bd[y]!)) : 0);
  for (let a = 0; a < out.n; ) {
    let z = a + 1;
    while (z < out.n && out.ts[z] === out.ts[a]) z++;
    let sorted = true;
    for (let k = a + 1; k < z && sorted; k++) if (compare(k - 1, k) > 0) sorted = false;
    if (!sorted) {
      const idx = Array.from({ length: z - a }, (_, k) => a + k);
      idx.sort((x, y) => compare(x, y) || x - y);
      const cp = idx.map((x) => [out.person[x]!, out.match[x]!, out.event[x]!, out.bd[x]!] as const);
      cp.forEach(([p, m, e, v], k) => {
        out.person[a + k] = p;
        out.match[a + k] = m;
        out.event[a + k] = e;
        out.bd[a + k] = v;
      });
    }
    a = z;
  }
}

function finish(out: Out, store: ColumnarStore, req: StreamRequest, bdText: (v: number) => string | null): EventStream {
  const n = out.n;
  const dense = new Int32Array(store.personIds.length).fill(-1);
  const personIds: string[] = [];
  const person = out.person.subarray(0, n);
  for (let i = 0; i < n; i++) {
    const raw = person[i]!;
    let d = dense[raw]!;
    if (d < 0) {
      d = dense[raw] = personIds.length;
      personIds.push(store.personIds[raw]!);
    }
    person[i] = d;
  }
  let breakdown: Int32Array | null = null;
  const breakdownValues: (string | null)[] = [];
  if (req.breakdown) {
    breakdown = out.bd.subarray(0, n);
    const seen = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = breakdown[i]!;
      let k = seen.get(v);
      if (k === undefined) {
        k = breakdownValues.length;
        seen.set(v, k);
        breakdownValues.push(bdText(v));
      }
      breakdown[i] = k;
    }
  }
  let eventName: Int32Array | null = null;
  const eventNames: string[] = [];
  if (req.withEventNames) {
    eventName = out.event.subarray(0, n);
    const seen = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = eventName[i]!;
      let k = seen.get(v);
      if (k === undefined) {
        k = eventNames.length;
        seen.set(v, k);
        eventNames.push(store.events.values[v]!);
      }
      eventName[i] = k;
    }
  }
  return {
    length: n,
    ts: out.ts.subarray(0, n),
    person,
    match: out.match.subarray(0, n),
    breakdown,
    breakdownValues,
    cohortMask: null,
    eventName,
    eventNames,
    personIds,
    personCount: personIds.length,
    source: "columnar",
  };
}
