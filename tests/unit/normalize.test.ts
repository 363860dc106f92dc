import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isProblem, normalizeEvent, wireEventSchema } from "../../server/ingest/normalize";

const facts = { projectId: "00000000-0000-4000-8000-000000000001", receivedAt: Date.parse("2026-11-22T12:00:00Z"), sentAt: null, ip: null, userAgent: null };

describe("normalizeEvent", () => {
  it("accepts exactly what the zod schema accepts (the hand-written fast path agrees with it)", () => {
    const field = fc.oneof(fc.string({ maxLength: 210 }), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }));
    fc.assert(
      fc.property(fc.record({ event: field, distinct_id: field, timestamp: field, offset: field, uuid: field }, { requiredKeys: [] }), (raw) => {
        const schemaOk = wireEventSchema.safeParse(raw).success;
        const result = normalizeEvent(raw, 0, facts);
        const fieldProblem = isProblem(result) && ["event", "distinct_id", "uuid", "offset"].includes(result.field);
        if (!schemaOk) expect(isProblem(result)).toBe(true);
        else expect(fieldProblem).toBe(false);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it("corrects clock skew with sent_at and clamps the future", () => {
    const ev = normalizeEvent({ event: "e", distinct_id: "d", timestamp: "2026-11-22T13:00:00Z" }, 0, { ...facts, sentAt: Date.parse("2026-11-22T13:00:30Z") });
    expect(isProblem(ev) ? null : ev.timestamp.toISOString()).toBe("2026-11-22T11:59:30.000Z");
    const future = normalizeEvent({ event: "e", distinct_id: "d", timestamp: "2026-11-30T00:00:00Z" }, 0, facts);
    expect(isProblem(future) ? null : [future.timestamp.toISOString(), future.properties.$timestamp_clamped]).toEqual(["2026-11-22T12:00:00.000Z", "2026-11-30T00:00:00.000Z"]);
  });
});
