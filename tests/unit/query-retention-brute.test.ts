import { describe, expect, it } from "vitest";
import { lifecycleStates } from "../../server/query/lifecycle-states";
import { periodIndex } from "../../server/query/period-index";
import { retentionMatrix } from "../../server/query/retention-matrix";
import { stickinessHistogram } from "../../server/query/stickiness-days";
import { handStream, type HandRow } from "../support/hand-stream";

/** Deterministic PRNG (mulberry32). */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const from = Date.UTC(2026, 10, 2); // a Monday
const DAYS = 40;
const days = periodIndex(new Date(from), new Date(from + DAYS * DAY), "day", "UTC");
const weeks = periodIndex(new Date(from), new Date(from + DAYS * DAY), "week", "UTC");
const dayOf = (t: number) => Math.floor((t - from) / DAY);

function randomRows(rand: () => number): HandRow[] {
  const persons = 1 + Math.floor(rand() * 12);
  const n = Math.floor(rand() * 80);
  return Array.from({ length: n }, () => ({
    at: from + Math.floor(rand() * DAYS * DAY),
    person: `p${Math.floor(rand() * persons)}`,
    match: Math.floor(rand() * 4),
  }));
}

/** Active day sets per person for a bit, straight from the rows. */
function activeDays(rows: HandRow[], bit: number): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const r of rows) {
    if (((r.match ?? 0) & (1 << bit)) === 0) continue;
    if (!out.has(r.person)) out.set(r.person, new Set());
    out.get(r.person)!.add(dayOf(r.at as number));
  }
  return out;
}

describe("one-pass algorithms against brute force on random streams (daily periods)", () => {
  it("retention, first time and recurring, with prior persons and offsets past 31", () => {
    const rand = prng(7);
    for (let round = 0; round < 300; round++) {
      const rows = randomRows(rand);
      const s = handStream(rows);
      const K = 1 + Math.floor(rand() * 39);
      const priorSet = new Set(s.personIds.filter(() => rand() < 0.2));
      const prior = Uint8Array.from(s.personIds, (p) => (priorSet.has(p) ? 1 : 0));
      const targets = activeDays(rows, 0);
      const returns = activeDays(rows, 1);
      for (const retentionType of ["first_time", "recurring"] as const) {
        const expected = Array.from({ length: DAYS }, () => new Array(K + 1).fill(0));
        for (const [p, ts] of targets) {
          const cohorts = [...ts].sort((a, b) => a - b);
          const entries = retentionType === "first_time" ? (priorSet.has(p) ? [] : cohorts.slice(0, 1)) : cohorts;
          for (const c of entries) {
            expected[c]![0]++;
            for (let k = 1; k <= K; k++) if (returns.get(p)?.has(c + k)) expected[c]![k]++;
          }
        }
        const [g] = retentionMatrix(s, { periods: days, targetBit: 0, returnBit: 1, retentionType, maxOffset: K, prior: retentionType === "first_time" ? prior : null });
        const got = Array.from({ length: DAYS }, (_, c) => (g ? Array.from(g.counts.subarray(c * (K + 1), (c + 1) * (K + 1))) : new Array(K + 1).fill(0)));
        expect(got, `round ${round} ${retentionType}`).toEqual(expected);
      }
    }
  });

  it("lifecycle", () => {
    const rand = prng(11);
    for (let round = 0; round < 300; round++) {
      const rows = randomRows(rand);
      const s = handStream(rows);
      const priorSet = new Set(s.personIds.filter(() => rand() < 0.3));
      const prior = Uint8Array.from(s.personIds, (p) => (priorSet.has(p) ? 1 : 0));
      const active = activeDays(rows, 0);
      const exp = { new: new Array(DAYS).fill(0), returning: new Array(DAYS).fill(0), resurrecting: new Array(DAYS).fill(0), dormant: new Array(DAYS).fill(0) };
      for (const [p, set] of active) {
        const first = Math.min(...set);
        for (let q = 0; q < DAYS; q++) {
          if (set.has(q)) {
            if (q === first && !priorSet.has(p)) exp.new[q]++;
            else if (set.has(q - 1)) exp.returning[q]++;
            else exp.resurrecting[q]++;
          } else if (set.has(q - 1)) exp.dormant[q]--;
        }
      }
      const r = lifecycleStates(s, days, 0, prior);
      const got = { new: Array.from(r.new), returning: Array.from(r.returning), resurrecting: Array.from(r.resurrecting), dormant: Array.from(r.dormant) };
      expect(got, `round ${round}`).toEqual(exp);
    }
  });

  it("stickiness", () => {
    const rand = prng(13);
    for (let round = 0; round < 300; round++) {
      const rows = randomRows(rand);
      const s = handStream(rows);
      const expected = new Array(8).fill(0);
      for (const set of activeDays(rows, 0).values()) {
        const perWeek = new Map<number, number>();
        for (const d of set) perWeek.set(Math.floor(d / 7), (perWeek.get(Math.floor(d / 7)) ?? 0) + 1);
        for (const n of perWeek.values()) expected[n]++;
      }
      expect(Array.from(stickinessHistogram(s, weeks, days, 0, 7)), `round ${round}`).toEqual(expected);
    }
  });
});
