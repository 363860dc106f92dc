import { describe, expect, it } from "vitest";
import { LoginLimiter } from "../../server/auth/login-limiter";

describe("LoginLimiter", () => {
  it("blocks after the limit and reopens when the window passes", () => {
    const l = new LoginLimiter(3, 60_000);
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter("ip:1", t + i)).toBe(0);
      l.fail("ip:1", t + i);
    }
    expect(l.retryAfter("ip:1", t + 10)).toBe(60);
    expect(l.retryAfter("ip:2", t + 10)).toBe(0);
    expect(l.retryAfter("ip:1", t + 60_001)).toBe(0);
  });

  it("resets on success", () => {
    const l = new LoginLimiter(2);
    l.fail("k");
    l.fail("k");
    expect(l.retryAfter("k")).toBeGreaterThan(0);
    l.reset("k");
    expect(l.retryAfter("k")).toBe(0);
  });
});
