import { randomUUID } from "node:crypto";
import type pg from "pg";
import { ensureEventPartitions } from "../../server/ingest/partitions";
import type { QueryContext } from "../../server/query/context";

/** Hostile values that must travel as plain data through filters and breakdowns. */
export const HOSTILE = "'); DROP TABLE events; --";
export const BIG = "x".repeat(10_000);

/**
 * A project with hand-made persons and events written straight into the tables, for insight
 * tests whose answers are worked out by hand. Persons are named; `merge(from, into)` makes
 * `from`'s events belong to `into` (a person_merges row, as identify does).
 */
export class InsightFixture {
  readonly projectId = randomUUID();
  readonly persons = new Map<string, string>();

  constructor(
    readonly pool: pg.Pool,
    readonly timezone: string,
  ) {}

  async init(): Promise<this> {
    await ensureEventPartitions(this.pool, { now: new Date("2026-11-15T00:00:00Z"), monthsBack: 3, monthsAhead: 2 });
    await this.pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Insights', $2, $3, now())`, [
      this.projectId,
      `i-${this.projectId}`,
      this.timezone,
    ]);
    return this;
  }

  get project() {
    return { id: this.projectId, timezone: this.timezone, testAccountFilters: [] };
  }

  /** What a runner gets for this project (no test-account filters). */
  context(now: Date): QueryContext {
    return { pool: this.pool, projectId: this.projectId, timezone: this.timezone, now, testAccountFilters: [] };
  }

  /** A person with one distinct id (its name) and person properties. */
  async person(name: string, properties: Record<string, unknown> = {}): Promise<string> {
    const id = randomUUID();
    this.persons.set(name, id);
    await this.pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, this.projectId, JSON.stringify(properties)]);
    await this.pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [this.projectId, name, id]);
    return id;
  }

  /** `from` was identified as `into`: its distinct id now points at `into`, its events resolve there. */
  async merge(from: string, into: string): Promise<void> {
    const fromId = this.persons.get(from)!;
    const intoId = this.persons.get(into)!;
    await this.pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [this.projectId, fromId, intoId]);
    await this.pool.query(`update person_distinct_ids set person_id = $3 where project_id = $1 and distinct_id = $2`, [this.projectId, from, intoId]);
  }

  /** An event of the named person (`person_id` is the person it was stored with). */
  async event(person: string, event: string, at: string, opts: { pathname?: string; properties?: Record<string, unknown> } = {}): Promise<void> {
    await this.pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, pathname, properties)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [this.projectId, randomUUID(), event, new Date(at), person, this.persons.get(person)!, opts.pathname ?? null, JSON.stringify(opts.properties ?? {})],
    );
  }
}
