import type { Deps } from "../deps";
import { FlagDefinitionsCache } from "./definitions";
import { evaluateFlag, type FlagDef, type FlagEvaluation, type FlagValue } from "./evaluate";
import { FlagEvaluationCounter, recountExposures } from "./stats";
import type { FlagStoreDeps } from "./store";

export interface PersonFlagsRequest {
  distinctId: string;
  /** Sent by the caller; merged over the stored person's properties. */
  personProperties?: Record<string, unknown>;
  environment?: string | null;
  /** Only this flag (tRPC evaluate); all live flags otherwise. */
  key?: string;
}

export interface PersonFlags {
  flags: Record<string, FlagValue>;
  payloads: Record<string, unknown>;
  details: Record<string, FlagEvaluation>;
  person: { found: boolean; properties: Record<string, unknown>; cohorts: string[] };
}

/** What a flag's conditions read of the stored person: property keys, and whether any cohort. */
interface StoredNeeds {
  keys: string[];
  cohorts: boolean;
}
const needsOf = new WeakMap<FlagDef, StoredNeeds>();

function storedNeeds(flag: FlagDef): StoredNeeds {
  let n = needsOf.get(flag);
  if (!n) {
    const keys = new Set<string>();
    let cohorts = false;
    for (const r of flag.rules) for (const c of r.conditions) {
      if (c.type === "person") keys.add(c.key);
      else if (c.type === "cohort") cohorts = true;
    }
    needsOf.set(flag, (n = { keys: [...keys], cohorts }));
  }
  return n;
}

/**
 * Whether evaluating these flags can depend on the stored person: a live flag with a cohort
 * condition, or with a person condition on a property the request did not send (sent properties
 * win over stored ones, so a sent key makes the stored value irrelevant).
 */
export function needsStoredPerson(flags: readonly FlagDef[], sent: Record<string, unknown> | undefined): boolean {
  for (const f of flags) {
    if (!f.enabled) continue;
    const n = storedNeeds(f);
    if (n.cohorts) return true;
    for (const k of n.keys) if (!sent || !Object.prototype.hasOwnProperty.call(sent, k)) return true;
  }
  return false;
}

const PERSON_SQL = `
  select p.properties,
         case when cardinality($3::uuid[]) = 0 then '{}'::text[] else array(
           select cm.cohort_id::text from cohort_members cm
            where cm.project_id = $1 and cm.cohort_id = any($3::uuid[])
              and cm.person_id = coalesce((select m.to_person_id from person_merges m where m.project_id = $1 and m.from_person_id = p.id), p.id)
         ) end as cohorts
    from person_distinct_ids d join persons p on p.id = d.person_id
   where d.project_id = $1 and d.distinct_id = $2`;

/**
 * Flags at run time for one process: the definitions cache, the evaluation counter and the
 * periodic exposure recount. One per Deps (web process, test env), shared by the HTTP routes and
 * the tRPC router so a change made through tRPC is seen by /api/flags at once.
 */
export class FlagService {
  readonly definitions: FlagDefinitionsCache;
  readonly counter: FlagEvaluationCounter;
  private exposureTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: Deps, opts: { flushIntervalMs?: number; exposureIntervalMs?: number } = {}) {
    this.definitions = new FlagDefinitionsCache(deps.db.pool);
    this.counter = new FlagEvaluationCounter(deps.db.pool, opts.flushIntervalMs ?? 10_000);
    const every = opts.exposureIntervalMs ?? 60_000;
    if (every > 0) this.exposureTimer = setInterval(() => void this.recountRecentExposures().catch(() => {}), every).unref();
  }

  /** For the store: forget a project's definitions after a change. */
  get storeDeps(): FlagStoreDeps {
    return { prisma: this.deps.db.prisma, onChange: (projectId) => this.definitions.invalidate(projectId) };
  }

  /** Yesterday and today (UTC), for one project or all. */
  recountRecentExposures(projectId?: string): Promise<number> {
    const since = new Date();
    since.setUTCHours(0, 0, 0, 0);
    since.setUTCDate(since.getUTCDate() - 1);
    return recountExposures(this.deps.db.pool, { projectId, since });
  }

  /** Every live flag (or one) for a person: stored properties with the request's over them, cohorts, then evaluate. */
  /**
   * `lookupOnlyIfNeeded`: skip the stored-person query when no flag's answer can depend on it
   * (then `person.found` is false and `person.properties` holds only what was sent); the SDK
   * endpoint uses it, the "test a person" page does not.
   */
  async evaluateForPerson(projectId: string, req: PersonFlagsRequest, opts: { count: boolean; lookupOnlyIfNeeded?: boolean }): Promise<PersonFlags> {
    const defs = await this.definitions.get(projectId);
    const flags = req.key === undefined ? defs.flags : defs.byKey.has(req.key) ? [defs.byKey.get(req.key)!] : [];
    let stored: Record<string, unknown> = {};
    let cohorts: string[] = [];
    let found = false;
    if (flags.length > 0 && (!opts.lookupOnlyIfNeeded || needsStoredPerson(flags, req.personProperties))) {
      // Named: PostgreSQL parses and plans it once per connection.
      const { rows } = await this.deps.db.pool.query({ name: "flags_person", text: PERSON_SQL, values: [projectId, req.distinctId, defs.cohortIds] });
      if (rows[0]) {
        found = true;
        stored = rows[0].properties ?? {};
        cohorts = rows[0].cohorts;
      }
    }
    const properties = { ...stored, ...req.personProperties };
    const subject = { distinctId: req.distinctId, properties, environment: req.environment ?? null, cohorts: new Set(cohorts) };
    const out: PersonFlags = { flags: {}, payloads: {}, details: {}, person: { found, properties, cohorts } };
    const now = Date.now();
    for (const flag of flags) {
      const r = evaluateFlag(flag, subject);
      out.flags[flag.key] = r.value;
      if (r.value !== false && r.payload !== null) out.payloads[flag.key] = r.payload;
      out.details[flag.key] = r;
      if (opts.count) this.counter.add(projectId, flag.key, r.value, now);
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.exposureTimer);
    await this.counter.close();
  }
}

const services = new WeakMap<Deps, FlagService>();

/** The process's flag service for these deps, created on first use. */
export function flagService(deps: Deps): FlagService {
  let s = services.get(deps);
  if (!s) services.set(deps, (s = new FlagService(deps)));
  return s;
}
