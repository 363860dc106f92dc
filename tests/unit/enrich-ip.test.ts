import { describe, expect, it } from "vitest";
import { canonicalIp, isPublicIp, parseIp } from "../../server/ingest/enrich/ip-address";
import { anonymizeIp, clientIp } from "../../server/ingest/enrich/ip";

describe("canonicalIp", () => {
  it("keeps valid IPv4 and rejects what inet_pton would", () => {
    expect(canonicalIp("203.0.113.195")).toBe("203.0.113.195");
    expect(canonicalIp(" 8.8.8.8 ")).toBe("8.8.8.8");
    for (const bad of ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1.2.3.4 x", "", "localhost", "::ffff:999.1.1.1", null, undefined]) {
      expect(canonicalIp(bad), String(bad)).toBeNull();
    }
  });

  it("writes IPv6 as RFC 5952 says (its own examples)", () => {
    expect(canonicalIp("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(canonicalIp("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1"); // first of two equal runs
    expect(canonicalIp("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1"); // one zero group stays
    expect(canonicalIp("2001:db8::0:1")).toBe("2001:db8::1");
    expect(canonicalIp("::1")).toBe("::1");
    expect(canonicalIp("::")).toBe("::");
    expect(canonicalIp("fe80::1%eth0")).toBe("fe80::1");
    expect(canonicalIp("64:ff9b::192.0.2.33")).toBe("64:ff9b::c000:221"); // RFC 6052 example
    for (const bad of ["2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "12345::", ":1::", "1:::2", "g::1", "1.2.3.4::", "::ffff:1.2.3"]) {
      expect(canonicalIp(bad), bad).toBeNull();
    }
  });

  it("turns IPv4-mapped IPv6 into IPv4", () => {
    expect(canonicalIp("::ffff:1.2.3.4")).toBe("1.2.3.4");
    expect(canonicalIp("::FFFF:c000:0280")).toBe("192.0.2.128");
  });
});

describe("isPublicIp", () => {
  it("rejects private, loopback, link-local, CGNAT, documentation and multicast ranges", () => {
    for (const ip of ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "192.0.2.1", "198.51.100.7", "203.0.113.195", "224.0.0.251", "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "2001:db8::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"]) {
      expect(isPublicIp(parseIp(ip)), ip).toBe(false);
    }
  });

  it("accepts public addresses", () => {
    for (const ip of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "2001:4860:4860::8888", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isPublicIp(parseIp(ip)), ip).toBe(true);
    }
    expect(isPublicIp(parseIp("nonsense"))).toBe(false);
  });
});

describe("anonymizeIp", () => {
  it("keeps, truncates or drops IPv4", () => {
    expect(anonymizeIp("203.0.113.195", "keep")).toBe("203.0.113.195");
    expect(anonymizeIp("203.0.113.195", "truncate")).toBe("203.0.113.0");
    expect(anonymizeIp("255.255.255.255", "truncate")).toBe("255.255.255.0");
    expect(anonymizeIp("203.0.113.195", "drop")).toBeNull();
  });

  it("truncates IPv6 to its /48", () => {
    expect(anonymizeIp("2001:db8:85a3:8d3:1319:8a2e:370:7348", "truncate")).toBe("2001:db8:85a3::");
    expect(anonymizeIp("2001:4860:4860::8888", "truncate")).toBe("2001:4860:4860::");
    expect(anonymizeIp("2001:0:0:1::1", "truncate")).toBe("2001::");
    expect(anonymizeIp("2001:DB8:85A3:8D3::1", "keep")).toBe("2001:db8:85a3:8d3::1");
  });

  it("treats IPv4-mapped IPv6 as the IPv4 address it carries", () => {
    expect(anonymizeIp("::ffff:1.2.3.4", "truncate")).toBe("1.2.3.0");
    expect(anonymizeIp("::ffff:1.2.3.4", "keep")).toBe("1.2.3.4");
  });

  it("never stores what is not an address", () => {
    for (const mode of ["keep", "truncate", "drop"] as const) {
      expect(anonymizeIp("not-an-ip", mode)).toBeNull();
      expect(anonymizeIp(null, mode)).toBeNull();
      expect(anonymizeIp(undefined, mode)).toBeNull();
      expect(anonymizeIp("1".repeat(100_000), mode)).toBeNull();
    }
  });
});

describe("clientIp", () => {
  // MDN's X-Forwarded-For example: client, then two proxies
  const headers = { "x-forwarded-for": "203.0.113.195, 70.41.3.18, 150.172.238.178" };

  it("takes X-Forwarded-For's first address only when the proxy is trusted", () => {
    expect(clientIp(headers, "10.0.0.5", true)).toBe("203.0.113.195");
    expect(clientIp(headers, "10.0.0.5", false)).toBe("10.0.0.5");
  });

  it("skips junk entries, strips ports and brackets, reads repeated headers and fetch Headers", () => {
    expect(clientIp({ "x-forwarded-for": "unknown, 198.51.100.7:4711" }, "10.0.0.5", true)).toBe("198.51.100.7");
    expect(clientIp({ "x-forwarded-for": "[2001:db8::1]:443, 70.41.3.18" }, null, true)).toBe("2001:db8::1");
    expect(clientIp({ "x-forwarded-for": "2001:db8:85a3:8d3:1319:8a2e:370:7348" }, null, true)).toBe("2001:db8:85a3:8d3:1319:8a2e:370:7348");
    expect(clientIp({ "x-forwarded-for": ["", "70.41.3.18"] }, null, true)).toBe("70.41.3.18");
    expect(clientIp(new Headers({ "X-Forwarded-For": "203.0.113.195" }), "10.0.0.5", true)).toBe("203.0.113.195");
  });

  it("falls back to the socket's address, canonicalised", () => {
    expect(clientIp({ "x-forwarded-for": "garbage, also garbage" }, "::ffff:127.0.0.1", true)).toBe("127.0.0.1");
    expect(clientIp({}, "::ffff:127.0.0.1", true)).toBe("127.0.0.1");
    expect(clientIp(undefined, undefined, true)).toBeNull();
    expect(clientIp({}, "bogus", false)).toBeNull();
  });
});
