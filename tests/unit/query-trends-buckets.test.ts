import { describe, expect, it } from "vitest";
import { activeWindow, currentPeriod, isoInZone, previousPeriod, wallKey } from "../../server/query/trends-buckets";
import { resolveRange } from "../../server/query/date-range";

const NY = "America/New_York";
const now = new Date("2026-11-22T12:00:00Z");

describe("trends buckets", () => {
  it("prints bucket starts in the zone's offset at that instant (DST ends Nov 1, 2026 in New York)", () => {
    expect(isoInZone(new Date("2026-10-31T04:00:00Z"), NY)).toBe("2026-10-31T00:00:00-04:00");
    expect(isoInZone(new Date("2026-11-02T05:00:00Z"), NY)).toBe("2026-11-02T00:00:00-05:00");
    expect(isoInZone(new Date("2026-11-02T05:00:00Z"), "Asia/Kolkata")).toBe("2026-11-02T10:30:00+05:30");
    expect(wallKey(new Date("2026-11-10T02:30:00Z"), NY)).toBe("2026-11-09T21:30");
  });

  it("takes the previous period as the same number of buckets right before", () => {
    const days = currentPeriod(resolveRange({ from: "2026-11-09", to: "2026-11-15" }, NY, now), "day", NY);
    const prev = previousPeriod(days, "day", NY);
    expect(prev.keys).toEqual(["02", "03", "04", "05", "06", "07", "08"].map((d) => `2026-11-${d}T00:00`));
    // Across the DST change: Oct 26 - Nov 1 is still 7 local days.
    const prev2 = previousPeriod(prev, "day", NY);
    expect(prev2.keys[0]).toBe("2026-10-26T00:00");
    expect(prev2.buckets).toHaveLength(7);
    const months = currentPeriod(resolveRange({ from: "2026-10-01", to: "2026-11-30" }, NY, now), "month", NY);
    expect(previousPeriod(months, "month", NY).keys).toEqual(["2026-08-01T00:00", "2026-09-01T00:00"]);
  });

  it("gives active-user windows of N local days ending at the bucket end, at least the bucket", () => {
    const days = currentPeriod(resolveRange({ from: "2026-11-09", to: "2026-11-15" }, NY, now), "day", NY);
    const w = activeWindow(days.buckets[0]!, "wau", "day", days, NY);
    expect([isoInZone(w.start, NY), isoInZone(w.end, NY)]).toEqual(["2026-11-03T00:00:00-05:00", "2026-11-10T00:00:00-05:00"]);
    const weeks = currentPeriod(resolveRange({ from: "2026-11-02", to: "2026-11-15" }, NY, now), "week", NY);
    const d = activeWindow(weeks.buckets[0]!, "dau", "week", weeks, NY);
    expect([isoInZone(d.start, NY), isoInZone(d.end, NY)]).toEqual(["2026-11-02T00:00:00-05:00", "2026-11-09T00:00:00-05:00"]);
  });
});
