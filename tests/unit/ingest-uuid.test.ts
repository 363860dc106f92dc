import { describe, expect, it } from "vitest";
import { eventUuid, isUuid, uuidFromName, uuidv7 } from "../../server/ingest/uuid";
import { mulberry32 as prng } from "../../ml/prng";

/** The definition isUuid replaced, kept here as the reference. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe("isUuid (char-code check)", () => {
  it("agrees with the regex on UUIDs with one character changed, in both cases", () => {
    const rnd = prng(7);
    // characters around every boundary of the accepted ranges
    const alphabet = "/0189:@AFGZ`afgz-_ \u0130\u00e9\uff10" + "\u0041\u0061".toUpperCase();
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      let u = uuidv7(1_700_000_000_000 + n);
      if (rnd() < 0.5) u = u.toUpperCase();
      const i = Math.floor(rnd() * 36);
      const mutated = rnd() < 0.2 ? u : u.slice(0, i) + alphabet[Math.floor(rnd() * alphabet.length)] + u.slice(i + 1);
      const variants = [mutated, mutated.slice(1), mutated + "0", "{" + mutated + "}", mutated.replace(/-/g, "")];
      for (const v of variants) {
        expect(isUuid(v)).toBe(UUID_RE.test(v));
        if (isUuid(v)) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(5_000);
  });

  it("eventUuid keeps valid client ids in lower case and names the others", () => {
    expect(eventUuid("p", "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", 0)).toBe("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    expect(eventUuid("p", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", 0)).toBe("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    expect(eventUuid("p", "msg-1", 0)).toBe(uuidFromName("p", "event", "msg-1"));
    expect(eventUuid("p", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g", 0)).toBe(uuidFromName("p", "event", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g"));
  });
});
