import { describe, expect, it } from "vitest";
import { bucketStart, buckets, nextBucket, resolveRange, zonedParts, zonedTime } from "../../server/query/date-range";
import { QueryInputError } from "../../server/query/errors";

const iso = (d: Date) => d.toISOString();

describe("timezone arithmetic", () => {
  it("finds the instant of a local wall time, on both sides of a DST change", () => {
    // New York: EST (UTC-5) in January, EDT (UTC-4) in July; DST began 2026-03-08 02:00 local.
    expect(iso(zonedTime("America/New_York", 2026, 1, 15, 0, 0, 0))).toBe("2026-01-15T05:00:00.000Z");
    expect(iso(zonedTime("America/New_York", 2026, 7, 15, 0, 0, 0))).toBe("2026-07-15T04:00:00.000Z");
    expect(iso(zonedTime("America/New_York", 2026, 3, 9, 0, 0, 0))).toBe("2026-03-09T04:00:00.000Z");
    expect(iso(zonedTime("Asia/Tokyo", 2026, 1, 1, 0, 0, 0))).toBe("2025-12-31T15:00:00.000Z");
    expect(iso(zonedTime("UTC", 2026, 13, 1, 0, 0, 0))).toBe("2027-01-01T00:00:00.000Z");
  });

  it("reads local parts with Monday = 0", () => {
    const p = zonedParts(new Date("2026-11-23T02:00:00Z"), "America/New_York"); // Sunday 21:00 local
    expect(p).toMatchObject({ year: 2026, month: 11, day: 22, hour: 21, weekday: 6 });
  });

  it("buckets by local day, week (Monday) and month", () => {
    const tz = "America/New_York";
    const t = new Date("2026-11-23T02:00:00Z"); // Sunday 2026-11-22 21:00 local
    expect(iso(bucketStart(t, "day", tz))).toBe("2026-11-22T05:00:00.000Z");
    expect(iso(bucketStart(t, "week", tz))).toBe("2026-11-16T05:00:00.000Z");
    expect(iso(bucketStart(t, "month", tz))).toBe("2026-11-01T04:00:00.000Z"); // 1 Nov is still EDT
    expect(iso(nextBucket(bucketStart(t, "month", tz), "month", tz))).toBe("2026-12-01T05:00:00.000Z");
    // The day DST ends has 25 hours.
    const d = bucketStart(new Date("2026-11-01T12:00:00Z"), "day", tz);
    expect(nextBucket(d, "day", tz).getTime() - d.getTime()).toBe(25 * 3600_000);
  });
});

describe("resolveRange", () => {
  const now = new Date("2026-11-22T15:30:00Z");

  it("starts relative days at local midnight and ends now", () => {
    const r = resolveRange({ from: "-7d" }, "UTC", now);
    expect(iso(r.from)).toBe("2026-11-15T00:00:00.000Z");
    expect(iso(r.to)).toBe(iso(now));
    const tokyo = resolveRange({ from: "-1d" }, "Asia/Tokyo", now); // now is 00:30 on the 23rd in Tokyo
    expect(iso(tokyo.from)).toBe("2026-11-21T15:00:00.000Z");
  });

  it("treats dates as whole local days, inclusive", () => {
    const r = resolveRange({ from: "2026-11-01", to: "2026-11-02" }, "America/New_York", now);
    expect(iso(r.from)).toBe("2026-11-01T04:00:00.000Z");
    expect(iso(r.to)).toBe("2026-11-03T05:00:00.000Z");
  });

  it("handles hours, weeks, months and years", () => {
    expect(iso(resolveRange({ from: "-24h" }, "UTC", now).from)).toBe("2026-11-21T15:30:00.000Z");
    expect(iso(resolveRange({ from: "-2w" }, "UTC", now).from)).toBe("2026-11-08T00:00:00.000Z");
    expect(iso(resolveRange({ from: "-3m" }, "UTC", now).from)).toBe("2026-08-22T00:00:00.000Z");
    expect(iso(resolveRange({ from: "-1y" }, "UTC", now).from)).toBe("2025-11-22T00:00:00.000Z");
  });

  it("rejects an empty or inverted range, naming the field", () => {
    expect(() => resolveRange({ from: "2026-11-05", to: "2026-11-01" }, "UTC", now)).toThrow(QueryInputError);
    try {
      resolveRange({ from: "2026-11-05", to: "2026-11-01" }, "UTC", now);
    } catch (e) {
      expect((e as QueryInputError).field).toBe("dateRange.to");
    }
  });

  it("refuses too many buckets", () => {
    const r = resolveRange({ from: "-1y" }, "UTC", now);
    expect(buckets(r, "day", "UTC")).toHaveLength(366);
    expect(() => buckets(r, "minute", "UTC")).toThrow(/more than 5000 minute buckets/);
  });
});
