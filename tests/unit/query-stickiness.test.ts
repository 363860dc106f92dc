import { describe, expect, it } from "vitest";
import { periodIndex } from "../../server/query/period-index";
import { stickinessHistogram } from "../../server/query/stickiness-days";
import { handStream } from "../support/hand-stream";

describe("stickiness histogram (pure)", () => {
  it("counts (person, week) pairs by distinct active days", () => {
    // Weeks Mon Nov 2 .. Sun Nov 8 and Mon Nov 9 .. Sun Nov 15 (UTC).
    const from = new Date("2026-11-02T00:00:00Z");
    const to = new Date("2026-11-16T00:00:00Z");
    const weeks = periodIndex(from, to, "week", "UTC");
    const days = periodIndex(from, to, "day", "UTC");
    const at = (day: number, hour = 12) => Date.UTC(2026, 10, day, hour);
    const s = handStream([
      { at: at(2), person: "a" },
      { at: at(2, 18), person: "a" },
      { at: at(4), person: "a" }, // a: 2 days in week 1
      { at: at(15, 23), person: "a" }, // a: 1 day in week 2
      ...[2, 3, 4, 5, 6, 7, 8].map((d) => ({ at: at(d, 1), person: "b" })), // b: 7 days
      ...[10, 11, 12].map((d) => ({ at: at(d), person: "c" })), // c: 3 days in week 2
      { at: at(10), person: "z", match: 2 }, // another selector
    ]);
    expect(Array.from(stickinessHistogram(s, weeks, days, 0, 7))).toEqual([0, 1, 1, 1, 0, 0, 0, 1]);
  });

  it("days and weeks follow the project timezone", () => {
    const tz = "Asia/Tokyo";
    const from = new Date("2026-11-02T00:00:00+09:00");
    const to = new Date("2026-11-16T00:00:00+09:00");
    const s = handStream([
      { at: "2026-11-03T14:00:00Z", person: "a" }, // Tue Nov 3, 23:00 JST
      { at: "2026-11-03T15:30:00Z", person: "a" }, // Wed Nov 4, 00:30 JST: a second day
      { at: "2026-11-08T16:00:00Z", person: "a" }, // Mon Nov 9, 01:00 JST: week 2 (Sunday in UTC)
    ]);
    const h = stickinessHistogram(s, periodIndex(from, to, "week", tz), periodIndex(from, to, "day", tz), 0, 7);
    expect(Array.from(h)).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  });
});
