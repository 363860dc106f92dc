import type pg from "pg";
import { eventsFrom, PERSON_ID } from "../query/events-sql";
import { filtersCondition, needsPersons } from "../query/filters";
import { render, sql } from "../query/sql";
import { SLACK_MS } from "../query/watermark";
import { automationTrigger } from "./schema";
import { dueAt } from "./timing";

export interface ScanResult {
  /** Firings added (pending); rescans and persons whose slot is taken add none. */
  added: number;
  /** Events inserted up to here are now scanned (null: the rule was busy in another run or is disabled). */
  scannedTo: Date | null;
}

/**
 * Finds the rule's trigger events among those inserted since the last scan and adds one pending
 * firing per event (key `event:<uuid>`, so a rescan adds nothing: ON CONFLICT DO NOTHING). Writes
 * stamp `inserted_at` when their transaction starts and may commit later, so the scan stops
 * `lagMs` before the database clock (the query layer's watermark slack). A person whose dedup slot
 * for the trigger's time is already taken gets no new row. The rule row is locked for the scan, so
 * concurrent runs never scan the same range twice.
 */
export async function scanTriggers(pool: pg.Pool, automationId: string, opts: { lagMs?: number } = {}): Promise<ScanResult> {
  const lagMs = opts.lagMs ?? SLACK_MS;
  const client = await pool.connect();
  try {
    await client.query("begin");
    const { rows } = await client.query<{ project_id: string; trigger: unknown; delay_seconds: number; dedup_seconds: number | null; scanned_to: Date | null; cutoff: Date }>(
      `select project_id, trigger, delay_seconds, dedup_seconds, scanned_to, clock_timestamp() - make_interval(secs => $2::float8 / 1000) as cutoff
         from automations where id = $1 and enabled for update skip locked`,
      [automationId, lagMs],
    );
    const a = rows[0];
    if (!a) {
      await client.query("commit");
      return { added: 0, scannedTo: null };
    }
    const trigger = automationTrigger.parse(a.trigger);
    let added = 0;
    if (a.scanned_to && a.cutoff > a.scanned_to) {
      const dueOffset = (dueAt(new Date(0), { delaySeconds: a.delay_seconds, withinSeconds: trigger.withinSeconds }).getTime()) / 1000;
      const slot =
        a.dedup_seconds === null
          ? sql`'once'`
          : sql`'p' || ${a.dedup_seconds}::int || ':' || floor(extract(epoch from e.timestamp) / ${a.dedup_seconds}::int)::bigint`;
      const query = sql`
        insert into automation_firings (automation_id, person_id, dedup_key, triggered_at, due_at, status, attempts, payload)
        select ${automationId}::uuid, ${PERSON_ID}, 'event:' || e.uuid::text, e.timestamp,
               e.timestamp + make_interval(secs => ${dueOffset}::float8), 'pending', 0,
               jsonb_build_object('uuid', e.uuid, 'distinctId', e.distinct_id, 'properties', e.properties)
          from ${eventsFrom({ persons: needsPersons(trigger.filters) })}
         where e.project_id = ${a.project_id}::uuid and e.event = ${trigger.event}::text
           and e.inserted_at > ${a.scanned_to} and e.inserted_at <= ${a.cutoff}
           and ${filtersCondition(trigger.filters)}
           and not exists (select 1 from automation_firings f
                            where f.automation_id = ${automationId}::uuid and f.person_id = ${PERSON_ID} and f.dedup_key = ${slot})
        on conflict (automation_id, person_id, dedup_key) do nothing`;
      const { text, values } = render(query);
      added = (await client.query(text, values)).rowCount ?? 0;
    }
    const scannedTo = a.scanned_to && a.scanned_to > a.cutoff ? a.scanned_to : a.cutoff;
    await client.query(`update automations set scanned_to = $2 where id = $1`, [automationId, scannedTo]);
    await client.query("commit");
    return { added, scannedTo };
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
