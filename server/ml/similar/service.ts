import type { Queryable } from "../../../ml/registry/db";
import { BOOKING_WEIGHT, ItemSimilarity, SEARCH_WEIGHT, type PersonItem } from "./item-similarity";

/**
 * A project's destination similarity, built from the last `windowDays` of search and booking
 * events and rebuilt in the background when older than `maxAgeMs`.
 */
export class SimilarityService {
  private readonly cache = new Map<string, { index: ItemSimilarity; builtAt: number; rebuilding: boolean }>();
  private readonly pending = new Map<string, Promise<ItemSimilarity>>();

  constructor(
    private readonly pool: Queryable,
    private readonly opts: { maxAgeMs?: number; windowDays?: number; onError?: (err: unknown) => void } = {},
  ) {}

  async build(projectId: string): Promise<ItemSimilarity> {
    const { rows } = await this.pool.query<{ person_id: string; item: string; booked: boolean }>(
      `select person_id::text as person_id, properties->>'destination' as item, bool_or(event = 'booking_completed') as booked
         from events
        where project_id = $1 and event in ('search', 'booking_completed') and timestamp >= now() - make_interval(days => $2)
          and properties->>'destination' ~ '^[A-Z]{3}$'
        group by 1, 2`,
      [projectId, this.opts.windowDays ?? 180],
    );
    const items: PersonItem[] = rows.map((r) => ({ personId: r.person_id, item: r.item, weight: r.booked ? BOOKING_WEIGHT : SEARCH_WEIGHT }));
    return new ItemSimilarity(items);
  }

  async index(projectId: string): Promise<ItemSimilarity> {
    const hit = this.cache.get(projectId);
    if (hit) {
      if (Date.now() - hit.builtAt > (this.opts.maxAgeMs ?? 600_000) && !hit.rebuilding) {
        hit.rebuilding = true;
        this.build(projectId)
          .then((index) => this.cache.set(projectId, { index, builtAt: Date.now(), rebuilding: false }))
          .catch((err) => ((hit.rebuilding = false), this.opts.onError?.(err)));
      }
      return hit.index;
    }
    let p = this.pending.get(projectId);
    if (!p) {
      p = this.build(projectId)
        .then((index) => (this.cache.set(projectId, { index, builtAt: Date.now(), rebuilding: false }), index))
        .finally(() => this.pending.delete(projectId));
      this.pending.set(projectId, p);
    }
    return p;
  }

  async similarDestinations(projectId: string, destination: string, limit: number) {
    const r = (await this.index(projectId)).similar(destination, limit);
    return { destination, basis: r.basis, destinations: r.items.map((i) => ({ destination: i.item, score: Math.round(i.score * 1000) / 1000, persons: i.persons })) };
  }

  async recommendations(projectId: string, distinctId: string, limit: number) {
    const [index, person] = await Promise.all([
      this.index(projectId),
      this.pool.query<{ person_id: string }>(`select person_id::text as person_id from person_distinct_ids where project_id = $1 and distinct_id = $2`, [projectId, distinctId]),
    ]);
    const r = index.recommend(person.rows[0]?.person_id ?? null, limit);
    return {
      distinctId,
      basis: r.basis,
      destinations: r.items.map((i) => ({ destination: i.item, score: Math.round(i.score * 1000) / 1000, persons: i.persons, because: i.because })),
    };
  }
}
