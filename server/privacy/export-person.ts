import type pg from "pg";
import { PERSON_ROWS, resolvePersonScope, scopeParams } from "./person-scope";
import type { PersonRef } from "./schemas";

/**
 * One stored event. The top-level keys are a valid capture event (PostHog / native wire format),
 * so the events can be sent back through `POST /api/capture`; `stored` holds what Foresight
 * derived when it stored the event (enrichment, person, session).
 */
export interface ExportedEvent {
  uuid: string;
  event: string;
  distinct_id: string;
  timestamp: string;
  properties: Record<string, unknown>;
  stored: {
    personId: string;
    sessionId: string | null;
    url: string | null;
    host: string | null;
    pathname: string | null;
    referrer: string | null;
    referringDomain: string | null;
    device: string | null;
    browser: string | null;
    browserVersion: string | null;
    os: string | null;
    osVersion: string | null;
    country: string | null;
    city: string | null;
    utmSource: string | null;
    utmMedium: string | null;
    utmCampaign: string | null;
    utmTerm: string | null;
    utmContent: string | null;
    revenue: number | null;
    ip: string | null;
    insertedAt: string;
  };
}

export interface PersonExport {
  format: "foresight.person-export";
  version: 1;
  exportedAt: string;
  projectId: string;
  person: { id: string; properties: Record<string, unknown>; isIdentified: boolean; createdAt: string; updatedAt: string } | null;
  distinctIds: Array<{ distinctId: string; createdAt: string }>;
  /** Persons folded into this one by identify / alias. */
  merges: Array<{ fromPersonId: string; toPersonId: string; mergedAt: string }>;
  /** Oldest first; at most `maxEvents` of them (see `truncated` and `eventCount`). */
  events: ExportedEvent[];
  eventCount: number;
  truncated: boolean;
}

export const EXPORT_MAX_EVENTS = 100_000;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toEvent(r: Record<string, any>): ExportedEvent {
  return {
    uuid: r.uuid,
    event: r.event,
    distinct_id: r.distinct_id,
    timestamp: r.timestamp.toISOString(),
    properties: r.properties,
    stored: {
      personId: r.person_id,
      sessionId: r.session_id,
      url: r.url,
      host: r.host,
      pathname: r.pathname,
      referrer: r.referrer,
      referringDomain: r.referring_domain,
      device: r.device,
      browser: r.browser,
      browserVersion: r.browser_version,
      os: r.os,
      osVersion: r.os_version,
      country: r.country,
      city: r.city,
      utmSource: r.utm_source,
      utmMedium: r.utm_medium,
      utmCampaign: r.utm_campaign,
      utmTerm: r.utm_term,
      utmContent: r.utm_content,
      revenue: r.revenue === null ? null : Number(r.revenue),
      ip: r.ip,
      insertedAt: r.inserted_at.toISOString(),
    },
  };
}

/**
 * Everything stored about a person, as JSON: the person row, distinct ids, merges and their
 * events, read in pages of `pageSize` (keyset on timestamp, uuid) from one consistent snapshot,
 * up to `maxEvents`. Null when nobody matches.
 */
export async function exportPerson(
  pool: pg.Pool,
  projectId: string,
  ref: PersonRef,
  opts: { maxEvents?: number; pageSize?: number } = {},
): Promise<PersonExport | null> {
  const maxEvents = opts.maxEvents ?? EXPORT_MAX_EVENTS;
  const pageSize = opts.pageSize ?? 5000;
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    const scope = await resolvePersonScope(client, projectId, ref);
    if (!scope) return null;
    const p = scopeParams(scope);
    const { rows: persons } = await client.query(
      `select id, properties, is_identified, created_at, updated_at from persons where project_id = $1 and id = $2`,
      [projectId, scope.personId],
    );
    const { rows: ids } = await client.query(
      `select distinct_id, created_at from person_distinct_ids where ${PERSON_ROWS} order by created_at, distinct_id`,
      p,
    );
    const { rows: merges } = await client.query(
      `select from_person_id, to_person_id, merged_at from person_merges
        where project_id = $1 and (from_person_id = any($2::uuid[]) or to_person_id = any($2::uuid[])) order by merged_at`,
      [projectId, scope.personIds],
    );

    const events: ExportedEvent[] = [];
    let after: [Date, string] | null = null;
    let truncated = false;
    for (;;) {
      const limit = Math.min(pageSize, maxEvents - events.length + 1);
      const page: pg.QueryResult<Record<string, any>> = await client.query(
        `select * from events where ${PERSON_ROWS}${after ? " and (timestamp, uuid) > ($5, $6::uuid)" : ""}
          order by timestamp, uuid limit $4`,
        after ? [...p, limit, after[0], after[1]] : [...p, limit],
      );
      const rows = page.rows;
      for (const r of rows) {
        if (events.length === maxEvents) {
          truncated = true;
          break;
        }
        events.push(toEvent(r));
      }
      if (truncated || rows.length < limit) break;
      const last: Record<string, any> = rows[rows.length - 1]!;
      after = [last.timestamp, last.uuid];
    }
    const eventCount = truncated
      ? Number((await client.query(`select count(*) as n from events where ${PERSON_ROWS}`, p)).rows[0].n)
      : events.length;
    await client.query("commit");

    const person = persons[0];
    return {
      format: "foresight.person-export",
      version: 1,
      exportedAt: new Date().toISOString(),
      projectId,
      person: person
        ? {
            id: person.id,
            properties: person.properties,
            isIdentified: person.is_identified,
            createdAt: iso(person.created_at)!,
            updatedAt: iso(person.updated_at)!,
          }
        : null,
      distinctIds: ids.map((r) => ({ distinctId: r.distinct_id, createdAt: iso(r.created_at)! })),
      merges: merges.map((r) => ({ fromPersonId: r.from_person_id, toPersonId: r.to_person_id, mergedAt: iso(r.merged_at)! })),
      events,
      eventCount,
      truncated,
    };
  } finally {
    await client.query("rollback").catch(() => {});
    client.release();
  }
}
