import { describe, expect, it } from "vitest";
import { ItemSimilarity } from "../../server/ml/similar/item-similarity";

/**
 * Four people, worked by hand: p1 searched JFK and BOS; p2 booked JFK (weight 3) and searched BOS;
 * p3 searched JFK and LAX; p4 searched CDG. Column norms^2: JFK 1+9+1 = 11, BOS 2, LAX 1, CDG 1.
 * cos(JFK, BOS) = (1*1 + 3*1) / sqrt(11 * 2) = 0.85280; cos(JFK, LAX) = 1 / sqrt(11) = 0.30151.
 */
const index = new ItemSimilarity([
  { personId: "p1", item: "JFK", weight: 1 },
  { personId: "p1", item: "BOS", weight: 1 },
  { personId: "p2", item: "JFK", weight: 3 },
  { personId: "p2", item: "BOS", weight: 1 },
  { personId: "p3", item: "JFK", weight: 1 },
  { personId: "p3", item: "LAX", weight: 1 },
  { personId: "p4", item: "CDG", weight: 1 },
  { personId: "p2", item: "JFK", weight: 1 }, // a search after the booking keeps the booking's weight
]);

describe("destination similarity (co-search and co-booking)", () => {
  it("is the cosine of destinations over persons", () => {
    expect(index.similarity("JFK", "BOS")).toBeCloseTo(0.8528029, 6);
    expect(index.similarity("BOS", "JFK")).toBeCloseTo(0.8528029, 6);
    expect(index.similarity("JFK", "LAX")).toBeCloseTo(0.3015113, 6);
    expect(index.similarity("BOS", "LAX")).toBe(0);
    const s = index.similar("JFK", 5);
    expect(s.basis).toBe("co-search");
    expect(s.items.map((i) => i.item)).toEqual(["BOS", "LAX"]);
  });

  it("falls back to popularity (persons reached) without co-occurrences", () => {
    const s = index.similar("CDG", 3);
    expect(s.basis).toBe("popularity");
    expect(s.items.map((i) => [i.item, i.persons])).toEqual([["JFK", 3], ["BOS", 2], ["LAX", 1]]);
    expect(index.similar("ZZZ", 2).items.map((i) => i.item)).toEqual(["JFK", "BOS"]);
  });

  it("recommends unseen destinations by summed similarity, else the popular ones the person has not seen", () => {
    const r = index.recommend("p1", 5);
    expect(r.basis).toBe("similar-destinations");
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ item: "LAX", because: ["JFK"] });
    expect(r.items[0]!.score).toBeCloseTo(0.3015113, 6);
    expect(index.recommend("p4", 5)).toMatchObject({ basis: "popularity", items: [{ item: "JFK" }, { item: "BOS" }, { item: "LAX" }] });
    expect(index.recommend(null, 1)).toMatchObject({ basis: "popularity", items: [{ item: "JFK" }] });
  });
});
