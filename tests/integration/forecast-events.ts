import { randomUUID } from "node:crypto";
import type pg from "pg";

/**
 * A hand-made, deterministic event set for forecast tests, in UTC, ending today: `days` complete
 * days before today plus a few events today (a partial day the forecasts must leave out).
 *   - bookings: 2 + (i mod 3) per day, 3 more on every 7th day; revenue 100 + 10*(i mod 5) + j;
 *   - pageviews: 3 + (i mod 4) persons a day, two pageviews each; person ids rotate over 40
 *     persons and new ones join every 3rd day, so "new users" has ones and zeros;
 *   - searches LHR->JFK: 6 a day, 4 more on days with i mod 7 < 2 (a weekly pattern), 1 more when i mod 5 = 0;
 *     CDG->BCN: 1 + (i mod 2) a day; plus noise that must not count for routes (lowercase
 *     origin, a pageview with route properties).
 * Expected series are computed from `events` by plain counting, not by the query layer.
 */
export interface FixtureEvent {
  event: string;
  at: Date;
  person: number;
  revenue?: number;
  props: Record<string, unknown>;
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function makeEvents(days: number, now = new Date()): FixtureEvent[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const out: FixtureEvent[] = [];
  let nextPerson = 0;
  const pool: number[] = [];
  for (let i = 0; i <= days; i++) {
    const day = today - (days - i) * 86_400_000;
    const at = (h: number, m = 0) => new Date(day + h * 3_600_000 + m * 60_000);
    if (i % 3 === 0 || pool.length < 6) pool.push(nextPerson++);
    const active = 3 + (i % 4);
    for (let k = 0; k < active; k++) {
      const person = pool[(i * 5 + k) % pool.length]!;
      out.push({ event: "$pageview", at: at(8, k), person, props: {} });
      out.push({ event: "$pageview", at: at(9, k), person, props: {} });
    }
    const bookings = 2 + (i % 3) + (i % 7 === 0 ? 3 : 0);
    for (let j = 0; j < bookings; j++) {
      const revenue = 100 + 10 * (i % 5) + j;
      out.push({ event: "booking_completed", at: at(12, j), person: pool[j % pool.length]!, revenue, props: { revenue, booking_id: `b-${i}-${j}` } });
    }
    const lhr = 6 + (i % 7 < 2 ? 4 : 0) + (i % 5 === 0 ? 1 : 0);
    for (let j = 0; j < lhr; j++) out.push({ event: "search", at: at(14, j), person: pool[j % pool.length]!, props: { origin: "LHR", destination: "JFK" } });
    for (let j = 0; j < 1 + (i % 2); j++) out.push({ event: "search", at: at(15, j), person: pool[0]!, props: { origin: "CDG", destination: "BCN" } });
    out.push({ event: "search", at: at(16), person: pool[0]!, props: { origin: "lhr", destination: "JFK" } });
    out.push({ event: "$pageview", at: at(17), person: pool[1]!, props: { origin: "LHR", destination: "JFK" } });
  }
  return out;
}

export async function insertEvents(pool: pg.Pool, projectId: string, events: FixtureEvent[]): Promise<Map<number, string>> {
  const persons = new Map<number, string>();
  for (const e of events) if (!persons.has(e.person)) persons.set(e.person, randomUUID());
  await pool.query(`insert into persons (id, project_id, properties) select unnest($1::uuid[]), $2, '{}'`, [[...persons.values()], projectId]);
  await pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, revenue, properties, inserted_at)
     select $1, gen_random_uuid(), e, t, 'd-' || p::text, p, r, pr::jsonb, now() - interval '1 hour'
       from unnest($2::text[], $3::timestamptz[], $4::uuid[], $5::float8[], $6::text[]) as x(e, t, p, r, pr)`,
    [
      projectId,
      events.map((e) => e.event),
      events.map((e) => e.at),
      events.map((e) => persons.get(e.person)!),
      events.map((e) => e.revenue ?? null),
      events.map((e) => JSON.stringify(e.props)),
    ],
  );
  return persons;
}

export async function createProject(pool: pg.Pool, name: string, timezone = "UTC"): Promise<string> {
  const id = randomUUID();
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, $2, $3, $4, now())`, [id, name, `${name}-${id.slice(0, 8)}`, timezone]);
  return id;
}

/** Expected daily values by plain counting over the fixture (dates from..to, UTC). */
export function expectedDaily(events: FixtureEvent[], dates: string[]) {
  const by = (pred: (e: FixtureEvent) => boolean, val: (es: FixtureEvent[]) => number) =>
    dates.map((d) => val(events.filter((e) => isoDay(e.at) === d && pred(e))));
  const firstSeen = new Map<number, string>();
  for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) if (!firstSeen.has(e.person)) firstSeen.set(e.person, isoDay(e.at));
  return {
    revenue: by((e) => e.event === "booking_completed", (es) => es.reduce((s, e) => s + (e.revenue ?? 0), 0)),
    bookings: by((e) => e.event === "booking_completed", (es) => es.length),
    active_users: by(() => true, (es) => new Set(es.map((e) => e.person)).size),
    new_users: dates.map((d) => [...firstSeen.values()].filter((f) => f === d).length),
    "route:LHR-JFK": by((e) => e.event === "search" && e.props.origin === "LHR" && e.props.destination === "JFK", (es) => es.length),
    "route:CDG-BCN": by((e) => e.event === "search" && e.props.origin === "CDG" && e.props.destination === "BCN", (es) => es.length),
    bcnSearches: by((e) => e.event === "search" && e.props.destination === "BCN", (es) => es.length),
  };
}
