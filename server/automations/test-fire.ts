import { randomUUID } from "node:crypto";
import type { Deps } from "../deps";
import { QueryInputError } from "../query/errors";
import { buildPayload, personFacts } from "./process";
import { automationAction, automationTrigger } from "./schema";
import { performAction } from "./send";

/**
 * Sends the action once now, for a chosen person (by distinct id) or the last person who did the
 * trigger event, without the condition, delay or dedup. Logged as a firing keyed `test:<uuid>`.
 */
export async function testFire(
  deps: Pick<Deps, "db" | "config" | "logger">,
  projectId: string,
  id: string,
  opts: { distinctId?: string; now?: Date } = {},
): Promise<{ firingId: string; status: "sent" | "failed"; error: string | null } | null> {
  const now = opts.now ?? new Date();
  const { pool, prisma } = deps.db;
  const a = await prisma.automation.findFirst({ where: { id, projectId } });
  if (!a) return null;
  const trigger = automationTrigger.parse(a.trigger);
  const action = automationAction.parse({ ...(a.action as object), kind: a.actionKind });
  const { rows } = opts.distinctId
    ? await pool.query<{ person_id: string; uuid: string | null; distinct_id: string; timestamp: Date | null; properties: Record<string, unknown> | null }>(
        `select coalesce(pm.to_person_id, d.person_id) as person_id, null as uuid, d.distinct_id, null as timestamp, null as properties
           from person_distinct_ids d left join person_merges pm on pm.project_id = d.project_id and pm.from_person_id = d.person_id
          where d.project_id = $1 and d.distinct_id = $2`,
        [projectId, opts.distinctId],
      )
    : await pool.query(
        `select coalesce(pm.to_person_id, e.person_id) as person_id, e.uuid, e.distinct_id, e.timestamp, e.properties
           from events e left join person_merges pm on pm.project_id = e.project_id and pm.from_person_id = e.person_id
          where e.project_id = $1 and e.event = $2 order by e.timestamp desc limit 1`,
        [projectId, trigger.event],
      );
  const found = rows[0];
  if (!found) {
    throw new QueryInputError(opts.distinctId ? "distinctId" : "trigger.event", opts.distinctId ? "no person has this distinct id" : `no person has done ${trigger.event} yet: name a distinct id`);
  }
  const person = (await personFacts(pool, projectId, [found.person_id])).get(found.person_id) ?? { id: found.person_id, distinctIds: [], properties: {} };
  const triggeredAt = found.timestamp ?? now;
  const row = await prisma.automationFiring.create({
    data: { automationId: id, personId: found.person_id, dedupKey: `test:${randomUUID()}`, triggeredAt, dueAt: now, status: "pending" },
  });
  const rule = { id, name: a.name, projectId, delaySeconds: a.delaySeconds, dedupSeconds: a.dedupSeconds, trigger, action };
  const payload = buildPayload(rule, row.id.toString(), { triggered_at: triggeredAt, payload: { uuid: found.uuid, distinctId: found.distinct_id, properties: found.properties ?? {} } }, person, "automation.test");
  let error: string | null = null;
  try {
    await performAction(action, payload, { config: deps.config, now });
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
  }
  const status = error ? "failed" : "sent";
  await prisma.automationFiring.update({
    where: { id: row.id },
    data: { status, attempts: 1, lastError: error, firedAt: error ? null : now, payload: payload as never },
  });
  return { firingId: row.id.toString(), status, error };
}
