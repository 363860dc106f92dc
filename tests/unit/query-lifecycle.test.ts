import { describe, expect, it } from "vitest";
import { lifecycleStates } from "../../server/query/lifecycle-states";
import { periodIndex } from "../../server/query/period-index";
import { handStream } from "../support/hand-stream";

// Period 0 (Nov 1) is the look-back day; results are Nov 2 .. Nov 5.
const days = periodIndex(new Date("2026-11-01T00:00:00Z"), new Date("2026-11-06T00:00:00Z"), "day", "UTC");
const at = (day: number, hour = 12) => Date.UTC(2026, 10, day, hour);

describe("lifecycle states (pure)", () => {
  it("new, returning, resurrecting and dormant per period, with look-back and prior history", () => {
    const s = handStream([
      // a: Nov 1 (look-back), Nov 2, Nov 4
      { at: at(1), person: "a" },
      { at: at(2), person: "a" },
      { at: at(2, 13), person: "a" },
      { at: at(4), person: "a" },
      // b: first ever on Nov 2, again Nov 3
      { at: at(2), person: "b" },
      { at: at(3), person: "b" },
      // c: history before the stream (prior), active Nov 3
      { at: at(3), person: "c" },
      // d: first ever Nov 3, back Nov 5
      { at: at(3), person: "d" },
      { at: at(5, 23), person: "d" },
      // e: look-back day only
      { at: at(1, 3), person: "e" },
      // f: rows of another selector do not count
      { at: at(2), person: "f", match: 2 },
    ]);
    const prior = new Uint8Array(s.personCount);
    prior[s.personIds.indexOf("c")] = 1;
    const r = lifecycleStates(s, days, 0, prior);
    const shown = (xs: Int32Array) => Array.from(xs.subarray(1));
    expect(shown(r.new)).toEqual([1, 1, 0, 0]); // b, d
    expect(shown(r.returning)).toEqual([1, 1, 0, 0]); // a (from look-back), b
    expect(shown(r.resurrecting)).toEqual([0, 1, 1, 1]); // c (prior), a, d
    expect(shown(r.dormant)).toEqual([-1, -1, -3, -1]); // e; a; b, c, d; a
  });

  it("without prior history a person seen first in a result period is new", () => {
    const s = handStream([{ at: at(3), person: "x" }]);
    const r = lifecycleStates(s, days, 0, null);
    expect(Array.from(r.new.subarray(1))).toEqual([0, 1, 0, 0]);
    expect(Array.from(r.dormant.subarray(1))).toEqual([0, 0, -1, 0]);
  });
});
