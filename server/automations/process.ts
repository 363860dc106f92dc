import type pg from "pg";
import { backoffMs, MAX_ATTEMPTS } from "../channels/deliveries";
import type { Deps } from "../deps";
import { automationAction, automationTrigger, type AutomationAction, type AutomationTrigger } from "./schema";
import { performAction, PermanentActionError, type FiringPayload } from "./send";
import { absenceHolds, dedupSlot, dueAt } from "./timing";

export { MAX_ATTEMPTS, backoffMs };
/** A claimed firing is left alone this long by other runs (a crashed run's claim expires). */
const LEASE_MS = 5 * 60_000;

export interface FiringPass {
  sent: number;
  skipped: number;
  retrying: number;
  failed: number;
  /** When the earliest pending firing is due next, or null. */
  nextDueAt: Date | null;
}

interface ClaimedRow {
  id: string;
  automation_id: string;
  person_id: string;
  dedup_key: string;
  triggered_at: Date;
  attempts: number;
  payload: Record<string, any> | null;
}

interface Rule {
  id: string;
  name: string;
  projectId: string;
  delaySeconds: number;
  dedupSeconds: number | null;
  trigger: AutomationTrigger;
  action: AutomationAction;
}

type Outcome = { status: "sent" | "skipped" | "failed" | "pending"; lastError: string | null; dueAt: Date; payload?: FiringPayload };

/** Canonical person ids (merged persons resolve through person_merges, kept path-compressed by ingest). */
async function canonical(pool: pg.Pool, projectId: string, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ from_person_id: string; to_person_id: string }>(
    `select from_person_id, to_person_id from person_merges where project_id = $1 and from_person_id = any($2::uuid[])`,
    [projectId, ids],
  );
  const map = new Map(ids.map((id) => [id, id]));
  for (const r of rows) map.set(r.from_person_id, r.to_person_id);
  return map;
}

/** Times of the absent event per canonical person, between `from` and `to` (both included). */
async function absentEventTimes(pool: pg.Pool, projectId: string, event: string, personIds: string[], from: Date, to: Date) {
  const { rows } = await pool.query<{ person_id: string; timestamp: Date }>(
    `select coalesce(pm.to_person_id, e.person_id) as person_id, e.timestamp
       from events e left join person_merges pm on pm.project_id = e.project_id and pm.from_person_id = e.person_id
      where e.project_id = $1 and e.event = $2 and e.timestamp >= $3 and e.timestamp <= $4
        and coalesce(pm.to_person_id, e.person_id) = any($5::uuid[])`,
    [projectId, event, from, to, personIds],
  );
  const byPerson = new Map<string, Date[]>();
  for (const r of rows) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r.timestamp]);
  return byPerson;
}

/** The person as the payload shows them: current properties and every distinct id pointing at them. */
export async function personFacts(pool: pg.Pool, projectId: string, personIds: string[]) {
  const { rows } = await pool.query<{ id: string; properties: Record<string, unknown>; distinct_ids: string[] | null }>(
    `select p.id, p.properties,
            (select array_agg(d.distinct_id order by d.distinct_id) from person_distinct_ids d where d.project_id = p.project_id and d.person_id = p.id) as distinct_ids
       from persons p where p.project_id = $1 and p.id = any($2::uuid[])`,
    [projectId, personIds],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, distinctIds: r.distinct_ids ?? [], properties: r.properties ?? {} }]));
}

export function buildPayload(rule: Rule, firingId: string, row: Pick<ClaimedRow, "triggered_at" | "payload">, person: FiringPayload["person"], type: FiringPayload["type"] = "automation.fired"): FiringPayload {
  const stored = row.payload ?? {};
  return {
    version: 1,
    type,
    automation: { id: rule.id, name: rule.name },
    firingId,
    person,
    trigger: {
      event: rule.trigger.event,
      uuid: typeof stored.uuid === "string" ? stored.uuid : null,
      distinctId: typeof stored.distinctId === "string" ? stored.distinctId : null,
      timestamp: row.triggered_at.toISOString(),
      properties: (stored.properties as Record<string, unknown>) ?? {},
    },
    condition: rule.trigger.absentEvent ? { absentEvent: rule.trigger.absentEvent, withinSeconds: rule.trigger.withinSeconds! } : null,
  };
}

async function loadRule(deps: Pick<Deps, "db">, id: string): Promise<Rule | string> {
  const a = await deps.db.prisma.automation.findUnique({ where: { id } });
  if (!a) return "the automation was deleted";
  const trigger = automationTrigger.safeParse(a.trigger);
  const action = automationAction.safeParse({ kind: a.actionKind, ...(a.action as object) });
  if (!trigger.success) return `stored trigger is invalid: ${trigger.error.issues[0]?.message}`;
  if (!action.success) return `stored action is invalid: ${action.error.issues[0]?.message}`;
  return { id: a.id, name: a.name, projectId: a.projectId, delaySeconds: a.delaySeconds, dedupSeconds: a.dedupSeconds, trigger: trigger.data, action: action.data };
}

/**
 * Acts on one rule's claimed firings, oldest trigger first. A firing not yet decided checks the
 * absence condition (skipped, with the reason, when the person did the absent event in the
 * window), then claims its dedup slot by moving to the slot key (skipped when another firing of
 * the person already holds it), storing the payload so every retry sends the same body. Then the
 * action runs; a failure is retried with the channels' backoff and fails after MAX_ATTEMPTS.
 */
async function actOnRule(deps: Pick<Deps, "db" | "config" | "logger">, rule: Rule, claimed: ClaimedRow[], now: Date): Promise<Map<string, Outcome>> {
  const { pool } = deps.db;
  const out = new Map<string, Outcome>();
  const canon = await canonical(pool, rule.projectId, [...new Set(claimed.map((r) => r.person_id))]);
  const originalDue = (r: ClaimedRow) => dueAt(r.triggered_at, { delaySeconds: rule.delaySeconds, withinSeconds: rule.trigger.withinSeconds });
  const undecided = claimed.filter((r) => r.dedup_key.startsWith("event:"));
  let absent = new Map<string, Date[]>();
  if (rule.trigger.absentEvent && undecided.length) {
    const times = undecided.map((r) => r.triggered_at.getTime());
    const to = new Date(Math.max(...times) + rule.trigger.withinSeconds! * 1000);
    absent = await absentEventTimes(pool, rule.projectId, rule.trigger.absentEvent, [...new Set(undecided.map((r) => canon.get(r.person_id)!))], new Date(Math.min(...times)), to);
  }
  const persons = await personFacts(pool, rule.projectId, [...new Set(claimed.map((r) => canon.get(r.person_id)!))]);

  for (const r of claimed) {
    const personId = canon.get(r.person_id)!;
    let payload = r.payload?.version === 1 ? (r.payload as FiringPayload) : null;
    if (r.dedup_key.startsWith("event:")) {
      const { absentEvent, withinSeconds } = rule.trigger;
      if (absentEvent && !absenceHolds(r.triggered_at, absent.get(personId) ?? [], withinSeconds!)) {
        out.set(r.id, { status: "skipped", lastError: `${absentEvent} followed within ${withinSeconds} s`, dueAt: originalDue(r) });
        continue;
      }
      const person = persons.get(personId) ?? { id: personId, distinctIds: [], properties: {} };
      payload = buildPayload(rule, r.id, r, person);
      try {
        await pool.query(`update automation_firings set dedup_key = $2, person_id = $3, payload = $4 where id = $1`, [
          r.id,
          dedupSlot(r.triggered_at, rule.dedupSeconds),
          personId,
          JSON.stringify(payload),
        ]);
      } catch (err) {
        if ((err as { code?: string }).code !== "23505") throw err;
        out.set(r.id, { status: "skipped", lastError: "already fired for this person in this dedup period", dueAt: originalDue(r) });
        continue;
      }
    }
    const attempts = r.attempts + 1;
    try {
      if (!payload) throw new PermanentActionError("the firing has no stored payload");
      await performAction(rule.action, payload, { config: deps.config, now });
      out.set(r.id, { status: "sent", lastError: null, dueAt: originalDue(r) });
    } catch (err) {
      const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      const giveUp = err instanceof PermanentActionError || attempts >= MAX_ATTEMPTS;
      out.set(r.id, { status: giveUp ? "failed" : "pending", lastError, dueAt: giveUp ? originalDue(r) : new Date(now.getTime() + backoffMs(attempts)) });
      deps.logger.warn({ automationId: rule.id, firingId: r.id, attempts, err: lastError }, giveUp ? "automation action failed for good" : "automation action failed; will retry");
    }
  }
  return out;
}

/** Acts on every pending firing due at `now` (of one rule, or all enabled rules). */
export async function processDue(
  deps: Pick<Deps, "db" | "config" | "logger">,
  opts: { now?: Date; automationId?: string; batch?: number } = {},
): Promise<FiringPass> {
  const now = opts.now ?? new Date();
  const { pool } = deps.db;
  const pass: FiringPass = { sent: 0, skipped: 0, retrying: 0, failed: 0, nextDueAt: null };
  const batch = opts.batch ?? 500;
  for (;;) {
    const { rows } = await pool.query<ClaimedRow>(
      `update automation_firings f set due_at = $2
        where f.id in (select f2.id from automation_firings f2 join automations a on a.id = f2.automation_id
                        where f2.status = 'pending' and f2.due_at <= $1 and a.enabled and ($3::uuid is null or a.id = $3)
                        order by f2.due_at, f2.triggered_at, f2.id limit $4 for update of f2 skip locked)
        returning f.id::text as id, f.automation_id, f.person_id, f.dedup_key, f.triggered_at, f.attempts, f.payload`,
      // The lease runs on the real clock too: a run with an injected past `now` must not leave claims others can take at once.
      [now, new Date(Math.max(now.getTime(), Date.now()) + LEASE_MS), opts.automationId ?? null, batch],
    );
    if (!rows.length) break;
    rows.sort((a, b) => a.triggered_at.getTime() - b.triggered_at.getTime() || Number(BigInt(a.id) - BigInt(b.id)));
    const byRule = new Map<string, ClaimedRow[]>();
    for (const r of rows) byRule.set(r.automation_id, [...(byRule.get(r.automation_id) ?? []), r]);
    for (const [automationId, claimed] of byRule) {
      const rule = await loadRule(deps, automationId);
      const outcomes =
        typeof rule === "string"
          ? new Map(claimed.map((r): [string, Outcome] => [r.id, { status: "failed", lastError: rule, dueAt: r.triggered_at }]))
          : await actOnRule(deps, rule, claimed, now);
      for (const r of claimed) {
        const o = outcomes.get(r.id)!;
        const tried = o.status === "sent" || (o.lastError !== null && o.status !== "skipped");
        await pool.query(
          `update automation_firings set status = $2, last_error = $3, due_at = $4, attempts = attempts + $5, fired_at = $6 where id = $1`,
          [r.id, o.status, o.lastError, o.dueAt, tried ? 1 : 0, o.status === "sent" ? now : null],
        );
        if (o.status === "pending") pass.retrying++;
        else pass[o.status]++;
      }
    }
    if (rows.length < batch) break;
  }
  const { rows: next } = await pool.query<{ due_at: Date | null }>(
    `select min(due_at) as due_at from automation_firings f join automations a on a.id = f.automation_id where f.status = 'pending' and a.enabled`,
  );
  pass.nextDueAt = next[0]?.due_at ?? null;
  return pass;
}
