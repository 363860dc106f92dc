import { describe, expect, it } from "vitest";
import type { CapturedEvent } from "../../server/ingest/captured-event";
import { enrich } from "../../server/ingest/enrich/enrich";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
const GOOGLEBOT_SMARTPHONE =
  "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
// MaxMind's London test address (public record, see enrich-geo.test.ts)
const LONDON_IP = "81.2.69.142";

function event(overrides: Partial<CapturedEvent>): CapturedEvent {
  return {
    uuid: "0190a1b2-0000-7000-8000-000000000001",
    event: "$pageview",
    distinctId: "user-1",
    timestamp: new Date("2024-05-01T12:00:00Z"),
    properties: {},
    ...overrides,
  };
}

describe("enrich", () => {
  it("fills every column for a posthog-js page view, preferring what the client reported", () => {
    const fields = enrich(
      event({
        ip: LONDON_IP,
        userAgent: IPHONE,
        properties: {
          $current_url: "https://example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=abc",
          $referrer: "https://www.google.com/",
          $browser: "Mobile Safari",
          $browser_version: 17.4,
          $os: "iOS",
          $os_version: "17.4.1",
          $device_type: "Mobile",
        },
      }),
      { ipMode: "keep" },
    );
    expect(fields).toEqual({
      url: "https://example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=abc",
      host: "example.com",
      pathname: "/pricing",
      referrer: "https://www.google.com/",
      referringDomain: "www.google.com",
      utmSource: "google",
      utmMedium: "cpc",
      utmCampaign: "brand",
      utmTerm: null,
      utmContent: null,
      device: "mobile",
      browser: "Mobile Safari",
      browserVersion: "17.4",
      os: "iOS",
      osVersion: "17.4.1",
      country: "GB",
      city: "London",
      ip: LONDON_IP,
    });
  });

  it("parses the User-Agent when the client sent no browser fields (native and Segment events)", () => {
    const fields = enrich(
      event({ userAgent: FIREFOX_LINUX, properties: { url: "https://app.example.com/settings", referrer: "https://news.ycombinator.com/item?id=1" } }),
      { ipMode: "keep" },
    );
    expect(fields).toMatchObject({
      host: "app.example.com",
      pathname: "/settings",
      referringDomain: "news.ycombinator.com",
      device: "desktop",
      browser: "Firefox",
      browserVersion: "125.0",
      os: "Linux",
      osVersion: null,
      country: null,
      city: null,
      ip: null,
    });
  });

  it("takes the client's device but keeps the User-Agent's bot verdict", () => {
    expect(enrich(event({ userAgent: FIREFOX_LINUX, properties: { $device_type: "Tablet" } }), { ipMode: "keep" }).device).toBe("tablet");
    const bot = enrich(event({ userAgent: GOOGLEBOT_SMARTPHONE, properties: { $device_type: "Mobile", $browser: "Chrome" } }), { ipMode: "keep" });
    expect(bot).toMatchObject({ device: "bot", browser: "Chrome", browserVersion: null, os: "Android", osVersion: "6.0.1" });
  });

  it("looks geo up on the raw IP and stores the anonymised one", () => {
    const seen: Array<string | null | undefined> = [];
    const spyGeo = (ip: string | null | undefined) => {
      seen.push(ip);
      return { country: "GB", city: "London" };
    };
    const truncated = enrich(event({ ip: LONDON_IP }), { ipMode: "truncate", lookupGeo: spyGeo });
    expect(seen).toEqual([LONDON_IP]);
    expect(truncated).toMatchObject({ ip: "81.2.69.0", country: "GB", city: "London" });

    expect(enrich(event({ ip: LONDON_IP }), { ipMode: "truncate" })).toMatchObject({ ip: "81.2.69.0", country: "GB", city: "London" });
    expect(enrich(event({ ip: LONDON_IP }), { ipMode: "drop" })).toMatchObject({ ip: null, country: "GB", city: "London" });
    expect(enrich(event({ ip: "2001:67c:2e8:22::c100:68b" }), { ipMode: "truncate" })).toMatchObject({ ip: "2001:67c:2e8::", country: "NL" });
    expect(enrich(event({ ip: "192.168.1.20" }), { ipMode: "keep" })).toMatchObject({ ip: "192.168.1.20", country: null, city: null });
  });

  it("records a visit without a referrer as $direct and falls back to utm_* and $host / $pathname properties", () => {
    const fields = enrich(
      event({ properties: { $host: "m.example.com", $pathname: "/home", utm_source: "newsletter", utm_medium: "email" } }),
      { ipMode: "drop" },
    );
    expect(fields).toMatchObject({
      url: null,
      host: "m.example.com",
      pathname: "/home",
      referrer: null,
      referringDomain: "$direct",
      utmSource: "newsletter",
      utmMedium: "email",
    });
  });

  it("never throws on odd property values", () => {
    const odd = event({
      ip: "definitely not an ip",
      userAgent: "",
      properties: { $current_url: 12, url: { href: "x" }, $referrer: ["a"], $browser: null, $os: {}, $device_type: 3, utm_source: true },
    });
    expect(() => enrich(odd, { ipMode: "keep" })).not.toThrow();
    expect(enrich(odd, { ipMode: "keep" })).toMatchObject({ url: null, referrer: null, browser: null, device: null, ip: null, country: null });
  });
});
