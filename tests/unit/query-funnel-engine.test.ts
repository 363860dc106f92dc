import { describe, expect, it } from "vitest";
import { EXCLUDED, FunnelWalker, rowsByPerson, type FunnelSpec } from "../../server/query/funnel-engine";
import { BREAKDOWN_OTHER, funnelGroups } from "../../server/query/funnel-groups";
import { histogram, median } from "../../server/query/funnels";
import type { EventStream } from "../../server/query/stream/types";

type Row = { t: number; p?: number; m: number; v?: number };

/** A stream from rows (already in time order); person 0 unless given. */
function streamOf(rows: Row[], values: (string | null)[] = []): EventStream {
  const persons = Math.max(0, ...rows.map((r) => r.p ?? 0)) + 1;
  return {
    length: rows.length,
    ts: Float64Array.from(rows.map((r) => r.t)),
    person: Int32Array.from(rows.map((r) => r.p ?? 0)),
    match: Uint32Array.from(rows.map((r) => r.m)),
    breakdown: values.length ? Int32Array.from(rows.map((r) => r.v ?? -1)) : null,
    breakdownValues: values,
    eventName: null,
    eventNames: [],
    personIds: Array.from({ length: persons }, (_, i) => `p${i}`),
    personCount: persons,
    source: "events",
  };
}

const A = 1;
const B = 2;
const C = 4;
const X = 8; // an exclusion selector after three steps, or any other event

function spec(over: Partial<Omit<FunnelSpec, "stepWindowMs">> & { stepWindows?: number[] } = {}): FunnelSpec {
  const steps = over.steps ?? 3;
  const stepWindowMs = new Float64Array(steps).fill(Infinity);
  (over.stepWindows ?? []).forEach((w, k) => (stepWindowMs[k] = w));
  return { steps, order: over.order ?? "ordered", windowMs: over.windowMs ?? 100, stepWindowMs, exclusions: over.exclusions ?? [] };
}

/** Level and step times of each person. */
function run(rows: Row[], s: FunnelSpec, startOk: ((r: number) => boolean) | null = null) {
  const stream = streamOf(rows);
  const by = rowsByPerson(stream);
  const walker = new FunnelWalker(s);
  const times = new Float64Array(s.steps);
  return Array.from({ length: stream.personCount }, (_, p) => {
    const level = walker.walk(by, by.start[p]!, by.start[p + 1]!, startOk, times);
    return { level, times: level >= 0 ? Array.from(times.subarray(0, level + 1)) : [] };
  });
}
const level = (rows: Row[], s: FunnelSpec) => run(rows, s)[0]!.level;

describe("ordered funnels", () => {
  it("counts the furthest step done in order", () => {
    const out = run(
      [
        { t: 0, p: 0, m: A },
        { t: 0, p: 1, m: B },
        { t: 5, p: 1, m: A },
        { t: 6, p: 1, m: C },
        { t: 10, p: 0, m: B },
        { t: 20, p: 0, m: C },
      ],
      spec(),
    );
    expect(out).toEqual([
      { level: 2, times: [0, 10, 20] },
      { level: 0, times: [5] }, // B before A does not count; C needs B first
    ]);
  });

  it("restarts from a later first step when the earlier one runs out of window", () => {
    // From A@0 the window closes at 50 before C@60; from A@40 it closes at 90.
    const out = run([{ t: 0, m: A }, { t: 40, m: A }, { t: 45, m: B }, { t: 60, m: C }], spec({ windowMs: 50 }));
    expect(out[0]).toEqual({ level: 2, times: [40, 45, 60] });
  });

  it("counts the whole window inclusively and stops at its end", () => {
    expect(level([{ t: 0, m: A }, { t: 50, m: B }, { t: 100, m: C }], spec({ windowMs: 100 }))).toBe(2);
    expect(level([{ t: 0, m: A }, { t: 50, m: B }, { t: 101, m: C }], spec({ windowMs: 100 }))).toBe(1);
  });

  it("per-step window fails while the whole window passes", () => {
    // Whole window 100 is fine (C at 30), but B must come within 10 of A.
    expect(level([{ t: 0, m: A }, { t: 20, m: B }, { t: 30, m: C }], spec({ stepWindows: [0, 10] }))).toBe(0);
    // A later A restarts the clock for B.
    expect(run([{ t: 0, m: A }, { t: 15, m: A }, { t: 20, m: B }, { t: 30, m: C }], spec({ stepWindows: [0, 10] }))[0]).toEqual({
      level: 2,
      times: [15, 20, 30],
    });
  });

  it("whole window fails while every per-step window passes", () => {
    // Each step within 10 of the previous one, but A to C takes 20 > 15.
    expect(level([{ t: 0, m: A }, { t: 10, m: B }, { t: 20, m: C }], spec({ windowMs: 15, stepWindows: [0, 10, 10] }))).toBe(1);
    expect(level([{ t: 0, m: A }, { t: 10, m: B }, { t: 20, m: C }], spec({ windowMs: 20, stepWindows: [0, 10, 10] }))).toBe(2);
    expect(level([{ t: 0, m: A }, { t: 10, m: B }, { t: 21, m: C }], spec({ windowMs: 30, stepWindows: [0, 10, 10] }))).toBe(1);
  });

  it("never lets one row serve as two steps; same-millisecond rows convert in stream order", () => {
    expect(level([{ t: 0, m: A | B }], spec({ steps: 2 }))).toBe(0);
    expect(level([{ t: 0, m: A | B }, { t: 1, m: A | B }], spec({ steps: 2 }))).toBe(1);
    expect(level([{ t: 7, m: A }, { t: 7, m: B }], spec({ steps: 2 }))).toBe(1);
    expect(level([{ t: 7, m: B }, { t: 7, m: A }], spec({ steps: 2 }))).toBe(0);
  });

  it("starts chains only at rows the group allows", () => {
    const rows = [{ t: 0, m: A }, { t: 1, m: A }, { t: 2, m: B }];
    expect(run(rows, spec({ steps: 2 }), (r) => r === 0)[0]).toEqual({ level: 1, times: [0, 2] });
    expect(run(rows, spec({ steps: 2 }), () => false)[0]!.level).toBe(-1);
  });
});

describe("strict funnels", () => {
  it("breaks a chain on any other row of the person", () => {
    const rows = [{ t: 0, m: A }, { t: 5, m: 0 }, { t: 10, m: B }, { t: 20, m: C }];
    expect(level(rows, spec({ order: "strict" }))).toBe(0);
    expect(level(rows, spec({ order: "ordered" }))).toBe(2);
    expect(level([{ t: 0, m: A }, { t: 10, m: B }, { t: 20, m: C }], spec({ order: "strict" }))).toBe(2);
    // A new start after the interruption.
    expect(level([{ t: 0, m: A }, { t: 1, m: 0 }, { t: 2, m: A }, { t: 3, m: B }], spec({ order: "strict" }))).toBe(1);
    // Windows apply in strict order too.
    expect(level([{ t: 0, m: A }, { t: 20, m: B }], spec({ order: "strict", stepWindows: [0, 10] }))).toBe(0);
  });
});

describe("any-order funnels", () => {
  it("counts distinct steps inside one window from any step", () => {
    expect(run([{ t: 0, m: B }, { t: 5, m: A }, { t: 8, m: C }], spec({ order: "any", windowMs: 10 }))[0]).toEqual({ level: 2, times: [0, 5, 8] });
    expect(level([{ t: 0, m: B }, { t: 5, m: A }, { t: 20, m: C }], spec({ order: "any", windowMs: 10 }))).toBe(1);
    expect(level([{ t: 0, m: B }, { t: 5, m: B }], spec({ order: "any" }))).toBe(0);
  });

  it("lets each row serve one step when selectors overlap", () => {
    // Steps A, B, C; rows A, A, B|C: A->row0, B or C -> row2, the second A cannot take B or C.
    expect(level([{ t: 0, m: A }, { t: 1, m: A }, { t: 2, m: B | C }], spec({ order: "any" }))).toBe(1);
    expect(level([{ t: 0, m: A | B }, { t: 1, m: A | B }, { t: 2, m: B | C }], spec({ order: "any" }))).toBe(2);
  });
});

describe("exclusions", () => {
  const ex = (from: number, to: number) => [{ bit: 3, from, to }];
  it("drops a person who did the excluded event between the steps of their chain", () => {
    expect(level([{ t: 0, m: A }, { t: 5, m: X }, { t: 10, m: B }, { t: 20, m: C }], spec({ exclusions: ex(0, 1) }))).toBe(EXCLUDED);
    // After step 1: outside (0, 1) but inside (1, 2).
    expect(level([{ t: 0, m: A }, { t: 10, m: B }, { t: 15, m: X }, { t: 20, m: C }], spec({ exclusions: ex(0, 1) }))).toBe(2);
    expect(level([{ t: 0, m: A }, { t: 10, m: B }, { t: 15, m: X }, { t: 20, m: C }], spec({ exclusions: ex(1, 2) }))).toBe(EXCLUDED);
    // Before the chain started.
    expect(level([{ t: 0, m: X }, { t: 1, m: A }, { t: 2, m: B }], spec({ exclusions: ex(0, 1) }))).toBe(1);
  });

  it("for a chain that stopped, counts exclusions until its deadline", () => {
    expect(level([{ t: 0, m: A }, { t: 50, m: X }], spec({ windowMs: 100, exclusions: ex(0, 1) }))).toBe(EXCLUDED);
    expect(level([{ t: 0, m: A }, { t: 150, m: X }], spec({ windowMs: 100, exclusions: ex(0, 1) }))).toBe(0);
    // The per-step window of step 1 (10) is the deadline.
    expect(level([{ t: 0, m: A }, { t: 50, m: X }], spec({ windowMs: 100, stepWindows: [0, 10], exclusions: ex(0, 1) }))).toBe(0);
  });
});

/** All chains by brute force: the oracle for random streams. */
function bruteForce(rows: Row[], s: FunnelSpec): number {
  const n = s.steps;
  let best = -1;
  if (s.order === "any") {
    for (let i = 0; i < rows.length; i++) {
      if ((rows[i]!.m & ((1 << n) - 1)) === 0) continue;
      const window = rows.filter((r, j) => j >= i && r.t <= rows[i]!.t + s.windowMs);
      // Max matching by trying every assignment of steps to distinct rows.
      const assign = (k: number, used: Set<number>): number => {
        if (k === n) return 0;
        let b = assign(k + 1, used);
        window.forEach((r, j) => {
          if (r.m & (1 << k) && !used.has(j)) {
            used.add(j);
            b = Math.max(b, 1 + assign(k + 1, used));
            used.delete(j);
          }
        });
        return b;
      };
      best = Math.max(best, assign(0, new Set()) - 1);
    }
    return best;
  }
  const extend = (k: number, prev: number, start: number) => {
    best = Math.max(best, k - 1);
    if (k === n) return;
    for (let j = prev + 1; j < rows.length; j++) {
      if (s.order === "strict" && j !== prev + 1) break;
      const r = rows[j]!;
      if (!(r.m & (1 << k))) continue;
      if (r.t - rows[start]!.t > s.windowMs || r.t - rows[prev]!.t > s.stepWindowMs[k]!) continue;
      extend(k + 1, j, start);
    }
  };
  rows.forEach((r, i) => {
    if (r.m & 1) extend(1, i, i);
  });
  return best;
}

describe("against brute force on random streams", () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  it.each(["ordered", "strict", "any"] as const)("%s", (order) => {
    for (let trial = 0; trial < 400; trial++) {
      const steps = 2 + Math.floor(rnd() * 3);
      const len = 1 + Math.floor(rnd() * 9);
      let t = 0;
      const rows: Row[] = [];
      for (let i = 0; i < len; i++) {
        t += Math.floor(rnd() * 12);
        // Mostly one step, sometimes two, sometimes none.
        const x = rnd();
        const m = x < 0.1 ? 0 : x < 0.85 ? 1 << Math.floor(rnd() * steps) : (1 << Math.floor(rnd() * steps)) | (1 << Math.floor(rnd() * steps));
        rows.push({ t, m });
      }
      const stepWindows = order === "any" ? [] : [0, ...Array.from({ length: steps - 1 }, () => (rnd() < 0.5 ? Infinity : 3 + Math.floor(rnd() * 15)))];
      const s = spec({ steps, order, windowMs: 5 + Math.floor(rnd() * 40), stepWindows });
      const got = level(rows, s);
      expect({ rows, s: { ...s, stepWindowMs: Array.from(s.stepWindowMs) }, got }).toEqual({ rows, s: { ...s, stepWindowMs: Array.from(s.stepWindowMs) }, got: bruteForce(rows, s) });
    }
  });
});

describe("breakdown groups", () => {
  it("keeps the top values by persons with a first step, the rest as other", () => {
    // values: 0 "FR", 1 "DE", 2 "IT". FR: persons 0, 1, 2; DE: 1, 3; IT: 4. Person 5 has no value.
    const rows: Row[] = [
      { t: 0, p: 0, m: A, v: 0 },
      { t: 1, p: 1, m: A, v: 0 },
      { t: 2, p: 1, m: A, v: 1 },
      { t: 3, p: 2, m: A, v: 0 },
      { t: 4, p: 3, m: A, v: 1 },
      { t: 5, p: 4, m: A, v: 2 },
      { t: 6, p: 4, m: B, v: 1 }, // not a first step: does not count for DE
      { t: 7, p: 5, m: A, v: -1 },
    ];
    const stream = streamOf(rows, ["FR", "DE", "IT"]);
    const g = funnelGroups(stream, rowsByPerson(stream), { type: "event", key: "$geoip_country_code", limit: 2 });
    expect(g.kind).toBe("value");
    if (g.kind !== "value") return;
    expect(g.labels).toEqual(["FR", "DE", BREAKDOWN_OTHER]);
    expect(Array.from(g.groupOfValue)).toEqual([0, 1, 2]);
    expect(g.groupOfNone).toBe(2); // IT (1 person) and not set (1 person) tie; both beyond the top 2
  });

  it("keeps day of week in calendar order", () => {
    const stream = streamOf([{ t: 0, p: 0, m: A, v: 0 }, { t: 1, p: 1, m: A, v: 1 }, { t: 2, p: 2, m: A, v: 1 }], ["7", "2"]);
    const g = funnelGroups(stream, rowsByPerson(stream), { type: "day_of_week" });
    expect(g.labels).toEqual(["2", "7"]);
  });
});

describe("time to convert", () => {
  it("bins whole seconds from the fastest to the slowest", () => {
    // min 3.5 -> from 3; max 25 -> width ceil((25 - 3) / 10) = 3; bins [3,6) [6,9) ... up to 25: floor(22 / 3) + 1 = 8 bins.
    const h = histogram([3.5, 4, 10, 25]);
    expect(h.bins.length).toBe(8);
    expect(h.bins[0]).toEqual({ fromSeconds: 3, toSeconds: 6, persons: 2 });
    expect(h.bins[2]).toEqual({ fromSeconds: 9, toSeconds: 12, persons: 1 });
    expect(h.bins[7]).toEqual({ fromSeconds: 24, toSeconds: 27, persons: 1 });
    expect(h.medianSeconds).toBe(7);
    expect(histogram([])).toEqual({ bins: [], medianSeconds: null });
    expect(histogram([5, 5]).bins).toEqual([{ fromSeconds: 5, toSeconds: 6, persons: 2 }]);
  });

  it("medians", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("median by selection", () => {
  it("agrees with sorting on random data", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 300; trial++) {
      const xs = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 10));
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      expect(median(xs)).toBe(s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2);
    }
  });
});
