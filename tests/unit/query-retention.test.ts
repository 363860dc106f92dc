import { describe, expect, it } from "vitest";
import { periodIndex, PeriodCursor, periodOf, zonedIso } from "../../server/query/period-index";
import { NULL_GROUP, OTHER_GROUP, retentionMatrix, type RetentionGroup } from "../../server/query/retention-matrix";
import { handStream, type HandRow } from "../support/hand-stream";

const T = 1; // target event
const R = 2; // return event
const days = periodIndex(new Date("2026-11-02T00:00:00Z"), new Date("2026-11-07T00:00:00Z"), "day", "UTC");

/** counts as rows per cohort: [size, k=1, k=2, k=3] */
const rows = (g: RetentionGroup, K: number) => Array.from({ length: g.sizes.length }, (_, c) => Array.from(g.counts.subarray(c * (K + 1), (c + 1) * (K + 1))));

// Six persons over five UTC days (Nov 2 .. Nov 6).
const data: HandRow[] = [
  // a: cohort Nov 2; returns Nov 3 (twice: once), Nov 5
  { at: "2026-11-02T10:00:00Z", person: "a", match: T | R, breakdown: "x" },
  { at: "2026-11-03T09:00:00Z", person: "a", match: R },
  { at: "2026-11-03T11:00:00Z", person: "a", match: R },
  { at: "2026-11-05T23:59:59Z", person: "a", match: R },
  // b: a return before the first target does not count; cohort Nov 3, returns Nov 3 (k = 0) and Nov 4
  { at: "2026-11-02T08:00:00Z", person: "b", match: R },
  { at: "2026-11-03T08:00:00Z", person: "b", match: T, breakdown: "y" },
  { at: "2026-11-03T09:00:00Z", person: "b", match: R },
  { at: "2026-11-04T00:00:00Z", person: "b", match: R },
  // c: cohort Nov 2 (a second target Nov 4 does not move it), never returns
  { at: "2026-11-02T12:00:00Z", person: "c", match: T, breakdown: "x" },
  { at: "2026-11-04T12:00:00Z", person: "c", match: T, breakdown: "q" },
  // d: had the target before the stream (prior), so not in any first-time cohort
  { at: "2026-11-02T01:00:00Z", person: "d", match: T, breakdown: "x" },
  { at: "2026-11-03T01:00:00Z", person: "d", match: R },
  // e: cohort Nov 6
  { at: "2026-11-06T05:00:00Z", person: "e", match: T, breakdown: "z" },
  // f: returns only
  { at: "2026-11-04T05:00:00Z", person: "f", match: R },
];

describe("retention matrix (pure)", () => {
  it("first time: cohort of the first target event, returns counted once per period, prior persons left out", () => {
    const s = handStream(data);
    const prior = new Uint8Array(s.personCount);
    prior[s.personIds.indexOf("d")] = 1;
    const [g, ...more] = retentionMatrix(s, { periods: days, targetBit: 0, returnBit: 1, retentionType: "first_time", maxOffset: 3, prior });
    expect(more).toEqual([]);
    expect(g!.value).toBe(NULL_GROUP);
    expect(Array.from(g!.sizes)).toEqual([2, 1, 0, 0, 1]);
    expect(rows(g!, 3)).toEqual([
      [2, 1, 0, 1], // Nov 2: a, c; a back on Nov 3 and Nov 5
      [1, 1, 0, 0], // Nov 3: b; back Nov 4
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 0, 0], // Nov 6: e
    ]);
  });

  it("recurring: every period with a target event is a cohort entry", () => {
    const s = handStream(data);
    const [g] = retentionMatrix(s, { periods: days, targetBit: 0, returnBit: 1, retentionType: "recurring", maxOffset: 3 });
    // entries: a@0 (returns 0,1,3), b@1 (returns 0,1,2), c@0, c@2, d@0 (return 1), e@4
    expect(Array.from(g!.sizes)).toEqual([3, 1, 1, 0, 1]);
    expect(rows(g!, 3)).toEqual([
      [3, 2, 0, 1], // a and d back after 1 day, a after 3
      [1, 1, 0, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
  });

  it("breakdown: the value on the cohort-defining event, top N by entries, the rest as other, no value as null", () => {
    const s = handStream([...data, { at: "2026-11-05T01:00:00Z", person: "g", match: T, breakdown: null }], { breakdown: true });
    const prior = new Uint8Array(s.personCount);
    prior[s.personIds.indexOf("d")] = 1;
    const groups = retentionMatrix(s, { periods: days, targetBit: 0, returnBit: 1, retentionType: "first_time", maxOffset: 3, prior, breakdownLimit: 1 });
    const named = groups.map((g) => (g.value >= 0 ? s.breakdownValues[g.value] : g.value));
    expect(named).toEqual(["x", NULL_GROUP, OTHER_GROUP]);
    const [x, none, other] = groups;
    expect(Array.from(x!.sizes)).toEqual([2, 0, 0, 0, 0]); // a, c (c's later "q" does not count)
    expect(rows(x!, 3)[0]).toEqual([2, 1, 0, 1]);
    expect(Array.from(none!.sizes)).toEqual([0, 0, 0, 1, 0]); // g
    expect(Array.from(other!.sizes)).toEqual([0, 1, 0, 0, 1]); // b (y), e (z)
    expect(rows(other!, 3)[1]).toEqual([1, 1, 0, 0]);
  });

  it("cohort breakdown: a person counts in every cohort of their membership mask, persons in none are left out", () => {
    const s = handStream([
      { at: "2026-11-02T10:00:00Z", person: "a", match: T },
      { at: "2026-11-03T10:00:00Z", person: "a", match: R },
      { at: "2026-11-02T11:00:00Z", person: "b", match: T },
      { at: "2026-11-02T12:00:00Z", person: "c", match: T },
    ]);
    const membership: Record<string, number> = { a: 0b11, b: 0b10, c: 0 };
    s.breakdownValues = ["cohort-1", "cohort-2"];
    s.breakdown = new Int32Array(s.length);
    s.cohortMask = Uint32Array.from(s.person, (p) => membership[s.personIds[p]!]!);
    for (const retentionType of ["first_time", "recurring"] as const) {
      const groups = retentionMatrix(s, { periods: days, targetBit: 0, returnBit: 1, retentionType, maxOffset: 1 });
      expect(groups.map((g) => [s.breakdownValues[g.value], Array.from(g.sizes), Array.from(g.counts.subarray(0, 2))])).toEqual([
        ["cohort-2", [2, 0, 0, 0, 0], [2, 1]], // a, b; a back on Nov 3
        ["cohort-1", [1, 0, 0, 0, 0], [1, 1]], // a
      ]);
    }
  });

  it("offsets beyond 31 periods and the maxOffset limit", () => {
    const long = periodIndex(new Date("2026-11-01T00:00:00Z"), new Date("2026-12-31T00:00:00Z"), "day", "UTC");
    const day = (n: number) => Date.UTC(2026, 10, 1 + n, 12);
    const s = handStream([
      { at: day(0), person: "a", match: T },
      { at: day(31), person: "a", match: R },
      { at: day(33), person: "a", match: R },
      { at: day(45), person: "a", match: R },
      { at: day(46), person: "a", match: R }, // beyond maxOffset 45
    ]);
    for (const retentionType of ["first_time", "recurring"] as const) {
      const [g] = retentionMatrix(s, { periods: long, targetBit: 0, returnBit: 1, retentionType, maxOffset: 45 });
      const first = rows(g!, 45)[0]!;
      const hit = first.flatMap((v, k) => (v ? [k] : []));
      expect(hit, retentionType).toEqual([0, 31, 33, 45]);
    }
  });

  it("hostile breakdown values are plain data", () => {
    const hostile = ["'); DROP TABLE events; --", "$$", "日本語 ✈️", "x".repeat(10_000)];
    const s = handStream(
      hostile.map((v, i) => ({ at: Date.UTC(2026, 10, 2, i), person: `p${i}`, match: T, breakdown: v })),
      { breakdown: true },
    );
    const groups = retentionMatrix(s, { periods: days, targetBit: 0, returnBit: 1, retentionType: "first_time", maxOffset: 3 });
    expect(groups.map((g) => s.breakdownValues[g.value]).sort()).toEqual([...hostile].sort());
  });
});

describe("period index", () => {
  it("weeks start on Monday in the project timezone, across a DST change", () => {
    const tz = "America/New_York"; // DST ends Sun Nov 1 2026
    const w = periodIndex(new Date("2026-10-28T12:00:00Z"), new Date("2026-11-10T00:00:00Z"), "week", tz);
    expect(Array.from(w.starts).map((t) => new Date(t).toISOString())).toEqual([
      "2026-10-26T04:00:00.000Z", // Mon Oct 26 00:00 EDT
      "2026-11-02T05:00:00.000Z", // Mon Nov 2 00:00 EST
      "2026-11-09T05:00:00.000Z",
      "2026-11-16T05:00:00.000Z",
    ]);
    expect(zonedIso(w.starts[1]!, tz)).toBe("2026-11-02T00:00:00-05:00");
    expect(zonedIso(Date.parse("2026-11-01T15:00:00Z"), "Asia/Tokyo")).toBe("2026-11-02T00:00:00+09:00");
  });

  it("cursor and binary search agree, including edges", () => {
    const d = periodIndex(new Date("2026-11-01T00:00:00+09:00"), new Date("2026-11-04T00:00:00+09:00"), "day", "Asia/Tokyo");
    const probes = ["2026-10-31T14:59:59.999Z", "2026-10-31T15:00:00Z", "2026-11-01T14:59:59Z", "2026-11-01T15:00:00Z", "2026-11-03T14:59:59Z", "2026-11-03T15:00:00Z"].map(Date.parse);
    const cursor = new PeriodCursor(d);
    expect(probes.map((t) => cursor.at(t))).toEqual([-1, 0, 0, 1, 2, 3]);
    expect(probes.map((t) => periodOf(d, t))).toEqual([-1, 0, 0, 1, 2, 3]);
  });
});
