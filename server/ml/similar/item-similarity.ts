/**
 * Item-to-item similarity between destinations from what people search and book: each person is
 * a vector over destinations (1 for searched, 3 for booked), and two destinations are as similar
 * as the cosine of their columns over persons. Recommendations for a person add up the similarity
 * of each unseen destination to the ones they searched or booked; with nothing to go on, the most
 * popular destinations (by persons) stand in.
 */
export interface PersonItem {
  personId: string;
  item: string;
  weight: number;
}

export const SEARCH_WEIGHT = 1;
export const BOOKING_WEIGHT = 3;

export interface ScoredItem {
  item: string;
  score: number;
  persons: number;
}

export class ItemSimilarity {
  readonly persons = new Map<string, Map<string, number>>();
  private readonly co = new Map<string, Map<string, number>>();
  private readonly norm = new Map<string, number>();
  private readonly reach = new Map<string, number>();
  readonly popular: ScoredItem[];

  constructor(rows: Iterable<PersonItem>) {
    for (const r of rows) {
      const v = this.persons.get(r.personId) ?? this.persons.set(r.personId, new Map()).get(r.personId)!;
      v.set(r.item, Math.max(v.get(r.item) ?? 0, r.weight));
    }
    for (const v of this.persons.values()) {
      const items = [...v];
      for (const [a, wa] of items) {
        this.norm.set(a, (this.norm.get(a) ?? 0) + wa * wa);
        this.reach.set(a, (this.reach.get(a) ?? 0) + 1);
        const row = this.co.get(a) ?? this.co.set(a, new Map()).get(a)!;
        for (const [b, wb] of items) if (a !== b) row.set(b, (row.get(b) ?? 0) + wa * wb);
      }
    }
    const total = Math.max(1, this.persons.size);
    this.popular = [...this.reach]
      .map(([item, persons]) => ({ item, score: persons / total, persons }))
      .sort((a, b) => b.persons - a.persons || a.item.localeCompare(b.item));
  }

  similarity(a: string, b: string): number {
    const c = this.co.get(a)?.get(b) ?? 0;
    return c === 0 ? 0 : c / Math.sqrt(this.norm.get(a)! * this.norm.get(b)!);
  }

  similar(item: string, limit: number): { basis: "co-search" | "popularity"; items: ScoredItem[] } {
    const row = this.co.get(item);
    if (!row || row.size === 0) return { basis: "popularity", items: this.popular.filter((p) => p.item !== item).slice(0, limit) };
    const items = [...row.keys()]
      .map((b) => ({ item: b, score: this.similarity(item, b), persons: this.reach.get(b) ?? 0 }))
      .sort((x, y) => y.score - x.score || x.item.localeCompare(y.item))
      .slice(0, limit);
    return { basis: "co-search", items };
  }

  recommend(personId: string | null, limit: number): { basis: "similar-destinations" | "popularity"; items: (ScoredItem & { because: string[] })[] } {
    const mine = personId ? this.persons.get(personId) : undefined;
    if (mine && mine.size > 0) {
      const scores = new Map<string, { score: number; because: Map<string, number> }>();
      for (const [a, wa] of mine) {
        for (const b of this.co.get(a)?.keys() ?? []) {
          if (mine.has(b)) continue;
          const contribution = wa * this.similarity(a, b);
          const s = scores.get(b) ?? scores.set(b, { score: 0, because: new Map() }).get(b)!;
          s.score += contribution;
          s.because.set(a, contribution);
        }
      }
      const items = [...scores]
        .map(([item, s]) => ({
          item,
          score: s.score,
          persons: this.reach.get(item) ?? 0,
          because: [...s.because].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([a]) => a),
        }))
        .sort((x, y) => y.score - x.score || x.item.localeCompare(y.item))
        .slice(0, limit);
      if (items.length > 0) return { basis: "similar-destinations", items };
    }
    return {
      basis: "popularity",
      items: this.popular.filter((p) => !mine?.has(p.item)).slice(0, limit).map((p) => ({ ...p, because: [] })),
    };
  }
}
