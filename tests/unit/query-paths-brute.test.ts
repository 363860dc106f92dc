import { describe, expect, it } from "vitest";
import { walkPaths } from "../../server/query/paths-walk";
import { handStream, type HandRow } from "../support/hand-stream";

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const GAP = 30 * MIN;
const S = 1;
const E = 2;

/**
 * The path of one person ending at an end event, found the slow way: for each end row in turn,
 * rebuild its session (rows back to the last gap), collapse repeats (a merged element is a start
 * when any of its rows was, the end row's own start flag aside), and take the earliest start
 * among the last `steps` elements.
 */
function slowEndPath(rows: HandRow[], steps: number, endOnly: boolean): string[] | null {
  for (let e = 0; e < rows.length; e++) {
    if (((rows[e]!.match ?? 0) & E) === 0) continue;
    let s0 = e;
    while (s0 > 0 && (rows[s0]!.at as number) - (rows[s0 - 1]!.at as number) <= GAP) s0--;
    const list: { name: string; start: boolean }[] = [];
    for (let i = s0; i <= e; i++) {
      const start = i < e && ((rows[i]!.match ?? 0) & S) !== 0;
      const last = list[list.length - 1];
      if (last && last.name === rows[i]!.name) last.start ||= start;
      else list.push({ name: rows[i]!.name!, start });
    }
    const window = list.slice(Math.max(0, list.length - steps));
    const k = endOnly ? 0 : window.findIndex((x) => x.start);
    if (k >= 0) return window.slice(k).map((x) => x.name);
  }
  return null;
}

describe("path walk against brute force on random streams", () => {
  it.each([
    ["start and end", false],
    ["end only", true],
  ] as const)("%s", (_label, endOnly) => {
    const rand = prng(endOnly ? 5 : 3);
    let found = 0;
    let longest = 0;
    for (let round = 0; round < 400; round++) {
      const persons = 1 + Math.floor(rand() * 5);
      const steps = 2 + Math.floor(rand() * 4);
      const byPerson = new Map<string, HandRow[]>();
      let t = Date.UTC(2026, 10, 2);
      for (let i = 0, n = Math.floor(rand() * 60); i < n; i++) {
        t += Math.floor(rand() < 0.1 ? 40 * MIN : rand() * 3 * MIN) + 1;
        const person = `p${Math.floor(rand() * persons)}`;
        const name = "abcs"[Math.floor(rand() * 4)]!;
        const match = (name === "s" && rand() < 0.8 ? S : 0) | (rand() < 0.15 ? E : 0);
        const row = { at: t, person, name, match };
        if (!byPerson.has(person)) byPerson.set(person, []);
        byPerson.get(person)!.push(row);
      }
      const s = handStream([...byPerson.values()].flat());
      const w = walkPaths(s, { startBit: endOnly ? null : 0, endBit: 1, elementBit: null, steps, gapMs: GAP });
      const got = Array.from({ length: w.count }, (_, j) => Array.from(w.names.subarray(w.offsets[j], w.offsets[j + 1]), (v) => s.eventNames[v]));
      // walkPaths returns paths in person index order (first seen in time)
      const expected = s.personIds.map((p) => slowEndPath(byPerson.get(p)!, steps, endOnly)).filter((x): x is string[] => x !== null);
      expect(got, `round ${round}`).toEqual(expected);
      found += got.length;
      for (const g of got) longest = Math.max(longest, g.length);
    }
    // the random streams do exercise the walk
    expect(found).toBeGreaterThan(200);
    expect(longest).toBeGreaterThanOrEqual(4);
  });
});
