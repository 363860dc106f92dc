import { describe, expect, it } from "vitest";
import { cookielessDistinctId, dailySalt, isDoNotTrack } from "../../server/ingest/enrich/cookieless";

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
// Reference values computed outside this code, with Python's hmac and hashlib:
//   hmac.new(b"test-secret", b"foresight-cookieless:2024-05-01", sha256).hexdigest()
//   sha256(salt + "\0".join(["", day, project, host, ip, ua])).hexdigest()[:32]
const SALT_2024_05_01 = "09d72f05b1f0ef2ffcc6490aa2d5fc8161afdc03e01b210ee0d6d5e5e5fd851f";
const ID_2024_05_01 = "cookieless_538dddacb4944537705a5f134a6010cd";

const visitor = { projectId: 42, ip: "203.0.113.195", userAgent: CHROME, host: "example.com" };

describe("dailySalt", () => {
  it("is HMAC-SHA256 of the day under the secret", () => {
    expect(dailySalt("test-secret", "2024-05-01")).toBe(SALT_2024_05_01);
    expect(dailySalt("test-secret", new Date("2024-05-01T23:59:59Z"))).toBe(SALT_2024_05_01);
  });

  it("rotates daily and differs per secret", () => {
    expect(dailySalt("test-secret", "2024-05-02")).not.toBe(SALT_2024_05_01);
    expect(dailySalt("other-secret", "2024-05-01")).not.toBe(SALT_2024_05_01);
  });

  it("refuses an empty secret and a malformed day", () => {
    expect(() => dailySalt("", "2024-05-01")).toThrow();
    expect(() => dailySalt("s", "May 1st")).toThrow(RangeError);
    expect(() => dailySalt("s", new Date("nope"))).toThrow(RangeError);
  });
});

describe("cookielessDistinctId", () => {
  const day = "2024-05-01";
  const salt = SALT_2024_05_01;

  it("is the SHA-256 of the parts under the day's salt", () => {
    expect(cookielessDistinctId({ ...visitor, day, salt })).toBe(ID_2024_05_01);
  });

  it("is stable within a day and for the same address however it is written", () => {
    expect(cookielessDistinctId({ ...visitor, day: new Date("2024-05-01T08:00:00Z"), salt })).toBe(ID_2024_05_01);
    expect(cookielessDistinctId({ ...visitor, ip: "::ffff:203.0.113.195", day, salt })).toBe(ID_2024_05_01);
    expect(cookielessDistinctId({ ...visitor, projectId: "42", day, salt })).toBe(ID_2024_05_01);
  });

  it("changes with the day, the visitor, the site and the project", () => {
    const ids = new Set([
      ID_2024_05_01,
      cookielessDistinctId({ ...visitor, day: "2024-05-02", salt: dailySalt("test-secret", "2024-05-02") }),
      cookielessDistinctId({ ...visitor, ip: "203.0.113.196", day, salt }),
      cookielessDistinctId({ ...visitor, userAgent: `${CHROME} Edg/124.0.2478.51`, day, salt }),
      cookielessDistinctId({ ...visitor, host: "shop.example.com", day, salt }),
      cookielessDistinctId({ ...visitor, projectId: 43, day, salt }),
    ]);
    expect(ids.size).toBe(6);
    for (const id of ids) expect(id).toMatch(/^cookieless_[0-9a-f]{32}$/);
  });

  it("does not let one part's text slide into the next", () => {
    const a = cookielessDistinctId({ ...visitor, host: "ab", ip: null, userAgent: "c", day, salt });
    const b = cookielessDistinctId({ ...visitor, host: "a", ip: null, userAgent: "bc", day, salt });
    expect(a).not.toBe(b);
  });

  it("needs a salt", () => {
    expect(() => cookielessDistinctId({ ...visitor, day, salt: "" })).toThrow();
  });
});

describe("isDoNotTrack", () => {
  it("honours DNT: 1 and Sec-GPC: 1", () => {
    expect(isDoNotTrack({ dnt: "1" })).toBe(true);
    expect(isDoNotTrack({ "sec-gpc": "1" })).toBe(true);
    expect(isDoNotTrack(new Headers({ DNT: "1" }))).toBe(true);
    expect(isDoNotTrack(new Headers({ "Sec-GPC": "1" }))).toBe(true);
  });

  it("ignores other values and absent headers", () => {
    expect(isDoNotTrack({ dnt: "0" })).toBe(false);
    expect(isDoNotTrack({ "sec-gpc": "0" })).toBe(false);
    expect(isDoNotTrack({})).toBe(false);
    expect(isDoNotTrack(new Headers())).toBe(false);
    expect(isDoNotTrack(undefined)).toBe(false);
  });
});
