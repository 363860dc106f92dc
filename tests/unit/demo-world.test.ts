import { UAParser } from "ua-parser-js";
import { describe, expect, it } from "vitest";
import { countries, userAgents } from "../../server/demo";
import { Rng } from "../../server/demo/prng";
import { randomIp } from "../../server/demo/world";
import { geoAvailable, lookupGeo } from "../../server/ingest/enrich/geo";

describe("demo visitors", () => {
  it("use real user-agent strings that parse as their device, browser and OS", () => {
    for (const u of userAgents) {
      const r = new UAParser(u.ua).getResult();
      expect({ device: r.device.type ?? "desktop", browser: r.browser.name, os: r.os.name }).toEqual({
        device: u.device,
        browser: u.browser,
        os: u.os,
      });
    }
    expect(userAgents.filter((u) => u.bad).map((u) => u.os)).toEqual(["Android"]);
  });

  // The DB-IP database package is optional; without it there is nothing to place IPs with.
  it.skipIf(!geoAvailable())("come from IPs that a geo database places in their country", () => {
    const rng = new Rng(3);
    const misplaced: string[] = [];
    for (const c of countries) {
      for (let i = 0; i < 100; i++) {
        const ip = randomIp(rng, c);
        const country = lookupGeo(ip)?.country;
        if (country !== c.code) misplaced.push(`${ip} ${c.code} -> ${country}`);
      }
    }
    expect(misplaced).toEqual([]);
  });
});
