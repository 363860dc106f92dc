import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { QueryInputError } from "./errors";
import { FunnelWalker, rowsByPerson, type FunnelSpec } from "./funnel-engine";
import { funnelGroups, type FunnelGroups } from "./funnel-groups";
import type { RunOutput } from "./registry";
import type { QuerySource } from "./result";
import type { ConversionWindow, FunnelPersonsInput, FunnelsQuery, FunnelsResult, FunnelStepResult } from "./schema/funnels";
import { wilson } from "./stats/wilson";
import { loadEventStream } from "./stream";

/**
 * Funnels: which persons did step 1, then step 2, ... within the conversion windows. The
 * semantics (chains, windows, strict and any order, exclusions, breakdown groups, ties) are
 * documented on FunnelWalker (funnel-engine.ts) and funnelGroups (funnel-groups.ts). All steps
 * happen inside the query's date range.
 */
export async function runFunnels(ctx: QueryContext, query: FunnelsQuery, opts: { source?: "events" | "columnar" } = {}): Promise<RunOutput<FunnelsResult>> {
  const { result, source } = await computeFunnel(ctx, query, undefined, opts.source);
  return { result, source };
}

const UNIT_MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
/** Windows are fixed lengths: a day is 24 hours, also across a DST change. */
export function windowMs(w: ConversionWindow): number {
  return w.value * UNIT_MS[w.unit];
}

function specOf(query: FunnelsQuery): FunnelSpec {
  const n = query.steps.length;
  const stepWindowMs = new Float64Array(n).fill(Infinity);
  query.steps.forEach((s, k) => {
    if (!s.window) return;
    if (k === 0) throw new QueryInputError(`steps.0.window`, "the first step has no window");
    if (query.order === "any") throw new QueryInputError(`steps.${k}.window`, "per-step windows apply to ordered and strict funnels");
    stepWindowMs[k] = windowMs(s.window);
  });
  return {
    steps: n,
    order: query.order,
    windowMs: windowMs(query.window),
    stepWindowMs,
    exclusions: query.exclusions.map((x, i) => ({ bit: n + i, from: x.fromStep, to: x.toStep })),
  };
}

class GroupStats {
  readonly counts: number[];
  readonly seconds: number[][];
  constructor(n: number) {
    this.counts = new Array<number>(n).fill(0);
    this.seconds = Array.from({ length: n }, () => []);
  }
  add(level: number, times: Float64Array) {
    for (let k = 0; k <= level; k++) this.counts[k]!++;
    for (let k = 1; k <= level; k++) this.seconds[k]!.push((times[k]! - times[k - 1]!) / 1000);
  }
}

/** Median in linear time (quickselect on a copy): step times can number in the millions. */
export function median(xs: number[]): number | null {
  const n = xs.length;
  if (n === 0) return null;
  const a = Float64Array.from(xs);
  const m = n >> 1;
  const hi = select(a, m);
  if (n % 2) return hi;
  // The lower middle is the largest value left of position m after the partition.
  let lo = -Infinity;
  for (let i = 0; i < m; i++) if (a[i]! > lo) lo = a[i]!;
  return (lo + hi) / 2;
}

/** Rearranges `a` so that a[k] is the k-th smallest, smaller values before it; returns a[k]. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/**
 * Equal-width bins of whole seconds from the fastest conversion (rounded down) to the slowest:
 * width = max(1, ceil((ceil(max) - floor(min)) / 10)), as many bins as reach the slowest.
 */
export function histogram(seconds: number[]): FunnelsResult["timeToConvert"] {
  if (seconds.length === 0) return { bins: [], medianSeconds: null };
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of seconds) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const from = Math.floor(lo);
  const width = Math.max(1, Math.ceil((Math.ceil(hi) - from) / 10));
  const count = Math.floor((hi - from) / width) + 1;
  const persons = new Array<number>(count).fill(0);
  for (const x of seconds) persons[Math.floor((x - from) / width)]!++;
  return {
    bins: persons.map((p, i) => ({ fromSeconds: from + i * width, toSeconds: from + (i + 1) * width, persons: p })),
    medianSeconds: median(seconds),
  };
}

type OnPerson = (person: number, group: number, level: number) => void;

/** Loads the stream, walks every person, aggregates per breakdown group. */
async function computeFunnel(
  ctx: QueryContext,
  query: FunnelsQuery,
  onPerson?: OnPerson,
  source?: "events" | "columnar",
): Promise<{ result: FunnelsResult; source: QuerySource; groups: FunnelGroups; personIds: string[] }> {
  const spec = specOf(query);
  const n = spec.steps;
  const stream = await loadEventStream(ctx, {
    range: resolveRange(query.dateRange, ctx.timezone, ctx.now),
    selectors: [...query.steps, ...query.exclusions],
    filters: query.filters,
    excludeTestAccounts: query.excludeTestAccounts,
    breakdown: query.breakdown,
    allEvents: query.order === "strict",
    source,
  });
  const byPerson = rowsByPerson(stream, !!query.breakdown);
  // Rows that can start a chain: step 0, or any step in any-order funnels.
  const startMask = query.order === "any" ? (n >= 31 ? 0x7fffffff : (1 << n) - 1) : 1;
  const groups = funnelGroups(stream, byPerson, query.breakdown, startMask);
  const stats = groups.labels.map(() => new GroupStats(n));
  const converted: number[] = [];
  const walker = new FunnelWalker(spec);
  const times = new Float64Array(n);
  const { start, rows } = byPerson;

  let wanted = -1;
  const groupOfRow =
    groups.kind === "value"
      ? (r: number) => {
          const v = stream.breakdown![r]!;
          return v < 0 ? groups.groupOfNone : groups.groupOfValue[v]!;
        }
      : () => -1;
  const inWanted = (r: number) => groupOfRow(r) === wanted;
  const personGroups: number[] = [];

  for (let p = 0; p < stream.personCount; p++) {
    const lo = start[p]!;
    const hi = start[p + 1]!;
    if (groups.kind === "value") {
      personGroups.length = 0;
      for (let i = lo; i < hi; i++) {
        const r = rows[i]!;
        if (stream.match[r]! & startMask) {
          const g = groupOfRow(r);
          if (!personGroups.includes(g)) personGroups.push(g);
        }
      }
      for (const g of personGroups) {
        wanted = g;
        const level = walker.walk(byPerson, lo, hi, inWanted, times);
        if (level >= 0) stats[g]!.add(level, times);
        onPerson?.(p, g, level);
      }
      if (personGroups.length === 0) continue;
    }
    const level = walker.walk(byPerson, lo, hi, null, times);
    if (level === n - 1) converted.push((times[n - 1]! - times[0]!) / 1000);
    if (groups.kind === "none") {
      if (level >= 0) stats[0]!.add(level, times);
      onPerson?.(p, 0, level);
    } else if (groups.kind === "cohort") {
      const mask = hi > lo ? stream.cohortMask![rows[lo]!]! : 0;
      for (let g = 0; g < groups.labels.length; g++) {
        if ((mask & (1 << g)) === 0) continue;
        if (level >= 0) stats[g]!.add(level, times);
        onPerson?.(p, g, level);
      }
    }
  }

  const labels = query.steps.map((s) => s.label ?? s.event);
  const breakdowns = groups.labels.map((value, g) => {
    const { counts, seconds } = stats[g]!;
    const steps: FunnelStepResult[] = counts.map((count, k) => {
      const secs = seconds[k]!;
      return {
        index: k,
        label: labels[k]!,
        count,
        fromStart: wilson(count, counts[0]!),
        fromPrevious: wilson(count, k === 0 ? count : counts[k - 1]!),
        droppedOff: k === 0 ? 0 : counts[k - 1]! - count,
        medianSecondsFromPrevious: k === 0 ? null : median(secs),
        averageSecondsFromPrevious: k === 0 || secs.length === 0 ? null : secs.reduce((a, b) => a + b, 0) / secs.length,
      };
    });
    return { breakdownValue: value, steps };
  });
  return { result: { breakdowns, timeToConvert: histogram(converted) }, source: stream.source, groups, personIds: stream.personIds };
}

export interface FunnelPerson {
  id: string;
  distinctIds: string[];
  properties: Record<string, unknown>;
}

/**
 * The persons who reached step `step` ("converted") or reached step - 1 but not `step`
 * ("dropped"; nobody drops at step 0), in the group `breakdownValue` when the query has a
 * breakdown. Ordered by person id; `total` counts them all. Distinct ids include those of
 * persons merged into them.
 */
export async function funnelPersons(
  ctx: QueryContext,
  input: FunnelPersonsInput,
  opts: { source?: "events" | "columnar" } = {},
): Promise<{ persons: FunnelPerson[]; total: number }> {
  const { query } = input;
  if (input.step >= query.steps.length) throw new QueryInputError("step", `the funnel has ${query.steps.length} steps`);
  const hits = new Map<number, number[]>();
  const reached = (level: number) => (input.outcome === "converted" ? level >= input.step : input.step > 0 && level === input.step - 1);
  const { groups, personIds } = await computeFunnel(ctx, query, (p, g, level) => {
    if (!reached(level)) return;
    let list = hits.get(g);
    if (!list) hits.set(g, (list = []));
    list.push(p);
  }, opts.source);
  const wanted = query.breakdown ? (groups.labels as (string | null)[]).indexOf(input.breakdownValue ?? null) : 0;
  return page(ctx, (hits.get(wanted) ?? []).map((p) => personIds[p]!), input);
}

async function page(ctx: QueryContext, ids: string[], input: FunnelPersonsInput): Promise<{ persons: FunnelPerson[]; total: number }> {
  ids.sort();
  const slice = ids.slice(input.offset, input.offset + input.limit);
  if (slice.length === 0) return { persons: [], total: ids.length };
  const { rows: props } = await ctx.pool.query<{ id: string; properties: Record<string, unknown> }>(
    `select id::text as id, properties from persons where project_id = $1 and id = any($2::uuid[])`,
    [ctx.projectId, slice],
  );
  const { rows: dids } = await ctx.pool.query<{ canonical: string; distinct_id: string }>(
    `select x.canonical::text as canonical, d.distinct_id
       from (select id as pid, id as canonical from unnest($2::uuid[]) id
             union all
             select pm.from_person_id, pm.to_person_id from person_merges pm where pm.project_id = $1 and pm.to_person_id = any($2::uuid[])) x
       join person_distinct_ids d on d.project_id = $1 and d.person_id = x.pid
      order by d.distinct_id`,
    [ctx.projectId, slice],
  );
  const byId = new Map(props.map((r) => [r.id, r.properties]));
  return {
    persons: slice.map((id) => ({
      id,
      distinctIds: dids.filter((d) => d.canonical === id).map((d) => d.distinct_id),
      properties: byId.get(id) ?? {},
    })),
    total: ids.length,
  };
}
