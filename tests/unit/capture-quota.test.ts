import { describe, expect, it } from "vitest";
import { EventRateLimiter } from "../../server/ingest/rate-limit";

describe("capture quota usage (the API quota gauge's source)", () => {
  it("is the events taken in the last 60 s over 60 s of the rate, per label", () => {
    const l = new EventRateLimiter();
    const t0 = 1_700_000_000_000;
    // 100 events/s allowed: 6,000 a minute. 30 s of 40 events/s = 1,200 = 20%.
    for (let s = 0; s < 30; s++) l.take("key-a", "project-a", 100, 40, t0 + s * 1000);
    l.take("key-b", "project-b", 10, 6, t0 + 29_000); // 6 of 600 = 1%
    const u = l.usage(t0 + 29_500);
    expect(u.get("project-a")).toBeCloseTo(1200 / 6000, 12);
    expect(u.get("project-b")).toBeCloseTo(6 / 600, 12);
  });

  it("forgets what is older than a minute, and rejected events do not count", () => {
    const l = new EventRateLimiter();
    const t0 = 1_700_000_000_000;
    l.take("k", "p", 100, 100, t0);
    expect(() => l.take("k", "p", 100, 50, t0 + 100)).toThrow(/rate limit/);
    expect(l.usage(t0 + 1000).get("p")).toBeCloseTo(100 / 6000, 12);
    l.take("k", "p", 100, 30, t0 + 61_000);
    // The first second has left the window; only the 30 remain.
    expect(l.usage(t0 + 61_000).get("p")).toBeCloseTo(30 / 6000, 12);
  });

  it("reaches 1 when a minute runs at the limit", () => {
    const l = new EventRateLimiter();
    const t0 = 1_700_000_000_000;
    for (let s = 0; s < 60; s++) l.take("k", "p", 50, 50, t0 + s * 1000);
    expect(l.usage(t0 + 59_999).get("p")).toBe(1);
  });
});
