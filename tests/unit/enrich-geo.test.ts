import { describe, expect, it } from "vitest";
import { GEO_ATTRIBUTION, GeoLookup, geoAvailable, lookupGeo, preloadGeo } from "../../server/ingest/enrich/geo";

// Addresses whose location is a matter of public record, not of this database:
// 8.8.8.8 Google Public DNS (US); 81.2.69.142 MaxMind's own London test address; 133.11.0.1 the
// University of Tokyo; 193.0.6.139 and 2001:67c:2e8:22::c100:68b RIPE NCC's website in Amsterdam;
// 2001:200::/32 the WIDE project's block in Japan.
describe("lookupGeo (packaged DB-IP database)", () => {
  it("loads the database that ships in the npm package", () => {
    expect(geoAvailable()).toBe(true);
  });

  it("finds the country and city of well-known IPv4 addresses", () => {
    expect(lookupGeo("8.8.8.8")?.country).toBe("US");
    expect(lookupGeo("81.2.69.142")).toEqual({ country: "GB", city: "London" });
    expect(lookupGeo("133.11.0.1")?.country).toBe("JP");
    const ripe = lookupGeo("193.0.6.139");
    expect(ripe?.country).toBe("NL");
    expect(ripe?.city).toMatch(/Amsterdam/);
  });

  it("finds IPv6 addresses, and IPv4-mapped ones as IPv4", () => {
    expect(lookupGeo("2001:67c:2e8:22::c100:68b")).toMatchObject({ country: "NL", city: expect.stringMatching(/Amsterdam/) });
    expect(lookupGeo("2001:200:dff:fff1:216:3eff:feb1:44d7")?.country).toBe("JP");
    expect(lookupGeo("::ffff:81.2.69.142")).toEqual({ country: "GB", city: "London" });
  });

  it("returns null for private, loopback, documentation and invalid addresses", () => {
    for (const ip of ["10.0.0.1", "192.168.1.10", "127.0.0.1", "100.64.1.1", "203.0.113.195", "::1", "fe80::1", "fd00::1", "2001:db8::1", "::ffff:192.168.0.1", "nonsense", "", null, undefined]) {
      expect(lookupGeo(ip), String(ip)).toBeNull();
    }
  });

  it("caches results and can be preloaded", async () => {
    expect(lookupGeo("8.8.8.8")).toBe(lookupGeo("8.8.8.8"));
    expect(await preloadGeo()).toBe(true);
  });

  it("names the attribution CC BY 4.0 requires", () => {
    expect(GEO_ATTRIBUTION.url).toBe("https://db-ip.com");
  });
});

describe("GeoLookup without its database files", () => {
  it("reports unavailable and answers null instead of failing", async () => {
    const geo = new GeoLookup({ ipv4: "/nonexistent/city-ipv4.mmdb", ipv6: "/nonexistent/city-ipv6.mmdb" });
    expect(geo.lookup("8.8.8.8")).toBeNull();
    expect(geo.lookup("2001:67c:2e8:22::c100:68b")).toBeNull();
    expect(geo.available()).toBe(false);
    expect(geo.loadErrors.ipv4).toMatch(/ENOENT/);
    expect(await new GeoLookup(null).preload()).toBe(false);
  });

  it("reports unavailable for a file that is not an MMDB database", () => {
    const geo = new GeoLookup({ ipv4: new URL(import.meta.url).pathname, ipv6: new URL(import.meta.url).pathname });
    expect(geo.available()).toBe(false);
    expect(geo.lookup("8.8.8.8")).toBeNull();
  });
});
