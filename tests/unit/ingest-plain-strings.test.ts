import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBodyChecked } from "../../server/ingest/body";
import { isProblem, normalizeEvent } from "../../server/ingest/normalize";
import { sanitizeProperties } from "../../server/ingest/sanitize";

const facts = { projectId: "00000000-0000-4000-8000-000000000001", receivedAt: Date.parse("2026-11-22T12:00:00Z"), sentAt: null, ip: null, userAgent: null };
const noQuery = new URLSearchParams();

/** Strings with NUL, lone and paired surrogates, control characters and plain text. */
const nasty = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.array(fc.constantFrom("a", "\u0000", "\ud800", "\udc00", "\ud83d\ude00", "\\", "u", "\u0001", "é"), { maxLength: 8 }).map((a) => a.join("")),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, nasty, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie("v"), { maxLength: 3 }), fc.dictionary(nasty, tie("v"), { maxKeys: 3 })),
})).v;
const props = fc.dictionary(nasty.filter((k) => k.length > 0 && !["__proto__", "constructor", "prototype"].includes(k)), value, { maxKeys: 6 });

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (out.push(k), strings(x, out));
  return out;
}
const clean = (s: string) => !s.includes("\u0000") && s.isWellFormed();

describe("plainStrings: skipping the NUL / surrogate check when the JSON text has no \\u escape", () => {
  it("is only claimed when every decoded string is clean, for bodies in any encoding JSON.stringify and Buffer.from produce", () => {
    let claimed = 0;
    fc.assert(
      fc.property(props, (p) => {
        const text = JSON.stringify({ event: "e", distinct_id: "d", properties: p });
        const decoded = decodeBodyChecked(Buffer.from(text), "application/json", undefined, noQuery);
        if (decoded.plainStrings) {
          claimed++;
          expect(strings(decoded.body).every(clean)).toBe(true);
        }
        expect(decoded.plainStrings).toBe(!text.includes("\\u"));
      }),
      { numRuns: 3000, seed: 11 },
    );
    expect(claimed).toBeGreaterThan(100);
  });

  it("raw bytes that are not UTF-8 (encoded surrogates included) decode to U+FFFD, so the claim holds", () => {
    const body = Buffer.concat([Buffer.from('{"event":"e","distinct_id":"d","properties":{"a":"'), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xff]), Buffer.from('"}}')]);
    const decoded = decodeBodyChecked(body, "application/json", undefined, noQuery);
    expect(decoded.plainStrings).toBe(true);
    expect(strings(decoded.body).every(clean)).toBe(true);
  });

  it("escapes, form bodies and base64 are never claimed", () => {
    expect(decodeBodyChecked(Buffer.from('{"a":"\\u0000"}'), "application/json", undefined, noQuery).plainStrings).toBe(false);
    expect(decodeBodyChecked(Buffer.from('{"a":"\\\\u"}'), "application/json", undefined, noQuery).plainStrings).toBe(false);
    const form = Buffer.from("data=" + encodeURIComponent('{"event":"e","distinct_id":"d"}'));
    expect(decodeBodyChecked(form, "application/x-www-form-urlencoded", undefined, noQuery).plainStrings).toBe(false);
  });

  it("sanitize and normalize give the same event with and without the flag, whenever the flag is claimed", () => {
    fc.assert(
      fc.property(props, nasty, (p, id) => {
        const text = JSON.stringify({ event: "e" + id, distinct_id: "d" + id, properties: p, $set: { k: id } });
        const a = decodeBodyChecked(Buffer.from(text), "application/json", undefined, noQuery);
        if (!a.plainStrings) return;
        const b = decodeBodyChecked(Buffer.from(text), "application/json", undefined, noQuery);
        const sanitized = (body: unknown, plain: boolean) => {
          try {
            return sanitizeProperties(structuredClone((body as { properties: unknown }).properties), "properties", plain);
          } catch (err) {
            return { threw: String(err), field: (err as { field?: string }).field };
          }
        };
        expect(sanitized(a.body, true)).toEqual(sanitized(b.body, false));
        const fast = normalizeEvent(a.body, 0, { ...facts, plainStrings: true });
        const slow = normalizeEvent(b.body, 0, facts);
        if (isProblem(fast) || isProblem(slow)) expect(fast).toEqual(slow);
        else expect({ ...fast, uuid: "" }).toEqual({ ...slow, uuid: "" });
      }),
      { numRuns: 3000, seed: 12 },
    );
  });
});
