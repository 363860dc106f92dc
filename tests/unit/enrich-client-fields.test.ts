import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { enrich } from "../../server/ingest/enrich/enrich";
import { fromClientProperties, parseUserAgent } from "../../server/ingest/enrich/user-agent";

const UAS = [
  null,
  "",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "curl/8.5.0",
];

describe("enrich: browser, OS and device from client properties", () => {
  it("match fromClientProperties over the parsed User-Agent (the formula enrich inlines)", () => {
    const v = fc.oneof(
      fc.constantFrom("Chrome", "Mobile", "Desktop", "tablet", " Wearable ", "Bot", "Console", "", "  ", "Mac OS X", "14.4.1"),
      fc.string({ maxLength: 6 }),
      fc.string({ minLength: 130, maxLength: 300 }),
      fc.double(),
      fc.integer(),
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.constant({ a: 1 }),
    );
    const props = fc.record({ $browser: v, $browser_version: v, $os: v, $os_version: v, $device_type: v }, { requiredKeys: [] });
    fc.assert(
      fc.property(props, fc.constantFrom(...UAS), (p, ua) => {
        const fields = enrich({ uuid: "u", event: "e", distinctId: "d", timestamp: new Date(0), properties: p, ip: null, userAgent: ua }, { ipMode: "keep" });
        const parsed = parseUserAgent(ua);
        const client = fromClientProperties(p);
        const fromClientBrowser = client.browser !== undefined;
        const fromClientOs = client.os !== undefined;
        expect({ device: fields.device, browser: fields.browser, browserVersion: fields.browserVersion, os: fields.os, osVersion: fields.osVersion }).toEqual({
          device: parsed.device === "bot" ? "bot" : (client.device ?? parsed.device),
          browser: fromClientBrowser ? (client.browser ?? null) : parsed.browser,
          browserVersion: fromClientBrowser ? (client.browserVersion ?? null) : parsed.browserVersion,
          os: fromClientOs ? (client.os ?? null) : parsed.os,
          osVersion: fromClientOs ? (client.osVersion ?? null) : parsed.osVersion,
        });
      }),
      { numRuns: 3000, seed: 5 },
    );
  });
});
