import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DefinitionRegistry, propertyType, typeBit, typeNameBit } from "../../server/ingest/definitions";

describe("DefinitionRegistry type bits", () => {
  it("typeBit(v) is the bit of propertyType(v) for any value", () => {
    const dates = fc.constantFrom("2026-11-22", "2026-11-22T10:00:00Z", "2026-11-22 10:00", "2026-11-22T10:00:00.123+02:00", "2026-1x-22", "abcd-efghij", "2026-11-22T10:00:00.1234567890123456789Z");
    const anything = fc.oneof(fc.anything(), dates, fc.string(), fc.double(), fc.constant(undefined), fc.bigInt(), fc.constant(() => 1), fc.constant(Symbol("s")));
    fc.assert(
      fc.property(anything, (v) => {
        expect(typeBit(v)).toBe(typeNameBit(propertyType(v)));
      }),
      { numRuns: 5000, seed: 3 },
    );
    for (const [v, bit] of [[null, 1], [[], 2], ["x", 4], ["2026-11-22", 8], [1.5, 16], [true, 32], [{}, 64], [undefined, 128]] as const) {
      expect(typeBit(v)).toBe(bit);
    }
  });

  it("unseen lists every property of an unknown event with its type", () => {
    const r = new DefinitionRegistry();
    expect(r.unseen("p", "e", { a: "2026-11-22", b: 1, c: null, d: [1], e: { x: 1 }, f: false })).toEqual({
      event: true,
      props: [["a", "datetime"], ["b", "number"], ["c", "null"], ["d", "array"], ["e", "object"], ["f", "boolean"]],
    });
  });
});
