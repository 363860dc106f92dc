import pg from "pg";
import type { IngestRow } from "./ingest-row";
import { PairMap, type PersonCache } from "./person-cache";
import { uuidFromName } from "./uuid";

/** The person a brand-new distinct id gets: deterministic, so concurrent writers agree. */
export const newPersonId = (projectId: string, distinctId: string) => uuidFromName(projectId, "person", distinctId);

export interface Link {
  projectId: string;
  /** The id the event is sent as (the known user id). */
  target: string;
  /** The id to fold into it ($anon_distinct_id or the alias). */
  source: string;
  mergeIdentified: boolean;
}

/** The id an identify/alias event folds into its distinct id (undefined for other events). */
export function linkSourceOf(event: string, distinctId: string, properties: Record<string, unknown>): string | undefined {
  const source = event === "$identify" ? properties.$anon_distinct_id : event === "$create_alias" ? properties.alias : undefined;
  return typeof source === "string" && source && source !== distinctId ? source : undefined;
}

function identityLink(row: IngestRow): Link | null {
  if (row.linkSource !== undefined) {
    return { projectId: row.projectId, target: row.distinctId, source: row.linkSource, mergeIdentified: false };
  }
  if (!row.properties) return null;
  // Rows from spool files written before linkSource existed.
  if (row.event === "$identify") {
    const anon = row.properties.$anon_distinct_id;
    if (typeof anon === "string" && anon && anon !== row.distinctId) {
      return { projectId: row.projectId, target: row.distinctId, source: anon, mergeIdentified: false };
    }
  } else if (row.event === "$create_alias") {
    const alias = row.properties.alias;
    if (typeof alias === "string" && alias && alias !== row.distinctId) {
      return { projectId: row.projectId, target: row.distinctId, source: alias, mergeIdentified: false };
    }
  }
  return null;
}

const INITIAL_FIELDS: Array<[string, keyof IngestRow["fields"]]> = [
  ["$initial_referrer", "referrer"],
  ["$initial_referring_domain", "referringDomain"],
  ["$initial_current_url", "url"],
  ["$initial_pathname", "pathname"],
  ["$initial_utm_source", "utmSource"],
  ["$initial_utm_medium", "utmMedium"],
  ["$initial_utm_campaign", "utmCampaign"],
  ["$initial_utm_term", "utmTerm"],
  ["$initial_utm_content", "utmContent"],
  ["$initial_device_type", "device"],
  ["$initial_browser", "browser"],
  ["$initial_os", "os"],
  ["$initial_geoip_country_code", "country"],
];

/** First-touch attribution, applied with $set_once semantics (the first value ever seen stays). */
function initialAttribution(row: IngestRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [prop, field] of INITIAL_FIELDS) {
    const v = row.fields[field];
    if (v !== null && v !== undefined) out[prop] = v;
  }
  return out;
}

/** A batch's persons as known before its transaction: from the cache or just created. */
export interface PersonPlan {
  /** The person of each row when already known (cached or created by preCreatePersons). */
  personIds: Array<string | undefined>;
  /** Each row's identify/alias link, or null when the batch has none. */
  links: Array<Link | null> | null;
}

/** A person's property changes, applied just before the events transaction commits. */
export interface PersonUpdate {
  id: string;
  set: Record<string, unknown>;
  set_once: Record<string, unknown>;
  identified: boolean;
}

/**
 * Resolves every row's person inside the writer's transaction: rows whose person the plan
 * already knows keep it (unless a merge seen by the merge watch invalidated it); the others,
 * and every id an identify/alias of the batch links, are looked up; links are applied in event
 * order (merging an anonymous person into the identified one); persons are created for ids
 * still unknown. Returns the person per row, the property updates ($set / $set_once /
 * first-touch attribution of persons created here), and what to remember once committed.
 */
export async function resolvePersons(
  client: pg.PoolClient,
  rows: IngestRow[],
  plan: PersonPlan,
  cache: PersonCache,
): Promise<{ personIds: string[]; updates: PersonUpdate[]; commit(): void }> {
  const pre = plan.personIds;
  const links = plan.links;
  if (cache.mergedCount > 0) {
    for (let i = 0; i < pre.length; i++) if (pre[i] !== undefined && cache.isMergedAway(pre[i]!)) pre[i] = undefined;
  }
  let complete = links === null;
  for (let i = 0; complete && i < pre.length; i++) if (pre[i] === undefined) complete = false;
  if (complete) {
    const personIds = pre as string[];
    return { personIds, updates: personUpdates(rows, personIds, () => false, new Set()), commit() {} };
  }

  // Ids an identify/alias of this batch links are resolved here even when the plan knows them.
  const involved = new PairMap<true>();
  if (links) for (const l of links) if (l) involved.set(l.projectId, l.target, true).set(l.projectId, l.source, true);
  const needs = (i: number) => pre[i] === undefined || involved.has(rows[i]!.projectId, rows[i]!.distinctId);

  const mergedAway: string[] = [];
  const survivorOf = new Map<string, string>();
  const known = new PairMap<string>();
  const wanted = new PairMap<true>();
  const want = (p: string, d: string) => {
    if (known.has(p, d) || wanted.has(p, d)) return;
    const hit = cache.get(p, d);
    if (hit) known.set(p, d, hit);
    else wanted.set(p, d, true);
  };
  rows.forEach((row, i) => {
    if (needs(i)) want(row.projectId, row.distinctId);
    const link = links?.[i];
    if (link) want(link.projectId, link.source);
  });
  if (wanted.size) {
    for (const [p, d, v] of (await lookup(client, [...wanted.pairs()].map(([p, d]) => [p, d] as const))).pairs()) known.set(p, d, v);
  }

  const created = new Map<string, { projectId: string; distinctIds: string[] }>();
  const identified = new Set<string>();
  const ensure = (projectId: string, distinctId: string): string => {
    let person = known.get(projectId, distinctId);
    if (!person) {
      person = newPersonId(projectId, distinctId);
      known.set(projectId, distinctId, person);
      const c = created.get(person) ?? { projectId, distinctIds: [] };
      c.distinctIds.push(distinctId);
      created.set(person, c);
    }
    return person;
  };
  const attach = (projectId: string, distinctId: string, person: string) => {
    known.set(projectId, distinctId, person);
    const c = created.get(person) ?? { projectId, distinctIds: [] };
    c.distinctIds.push(distinctId);
    created.set(person, c);
  };

  /** Merges ps into pt (or the reverse, see mergePersons) and repoints what this batch knows. */
  const merge = async (link: Link, ps: string, pt: string, pending: typeof created) => {
    const survivor = await mergePersons(client, link.projectId, ps, pt, link.mergeIdentified, pending);
    if (survivor) {
      const gone = survivor === pt ? ps : pt;
      known.replaceValue(gone, survivor);
      survivorOf.set(gone, survivor);
      mergedAway.push(gone);
    }
    return survivor;
  };

  if (links) {
    for (const link of links) {
      if (!link) continue;
      const { projectId, target, source } = link;
      const pt = known.get(projectId, target);
      const ps = known.get(projectId, source);
      if (!pt && !ps) {
        const person = ensure(projectId, source);
        attach(projectId, target, person);
        identified.add(person);
      } else if (!pt && ps) {
        attach(projectId, target, ps);
        identified.add(ps);
      } else if (pt && !ps) {
        attach(projectId, source, pt);
        identified.add(pt);
      } else if (pt && ps && pt !== ps) {
        identified.add((await merge(link, ps, pt, created)) ?? pt);
      } else if (pt) identified.add(pt);
    }
  }

  const personIds = rows.map((row, i) => (needs(i) ? ensure(row.projectId, row.distinctId) : pre[i]!));

  if (created.size) {
    const newLinks = [...created.entries()]
      .flatMap(([person, c]) => c.distinctIds.map((d) => [c.projectId, d, person] as const));
    const { linked } = await insertLinks(client, newLinks);
    if (linked < newLinks.length) {
      // Another writer linked some of these ids first: use its persons, and make sure every
      // identify/alias of this batch still ends with both ids on one person.
      const actual = await lookup(client, newLinks.map((l) => [l[0], l[1]] as const));
      for (const [p, d, v] of actual.pairs()) known.set(p, d, v);
      if (links) {
        for (const link of links) {
          if (!link) continue;
          const pt = known.get(link.projectId, link.target);
          const ps = known.get(link.projectId, link.source);
          if (pt && ps && pt !== ps) await merge(link, ps, pt, new Map());
        }
      }
      rows.forEach((row, i) => {
        if (needs(i)) personIds[i] = known.get(row.projectId, row.distinctId) ?? personIds[i]!;
      });
    }
  }
  if (survivorOf.size) {
    // Rows that kept the plan's person: follow the merges this batch made.
    for (let i = 0; i < personIds.length; i++) {
      let p = personIds[i]!;
      for (let hops = 0; survivorOf.has(p) && hops < 100; hops++) p = survivorOf.get(p)!;
      personIds[i] = p;
    }
  }
  const isNew = (person: string) => created.has(person);
  return {
    personIds,
    updates: personUpdates(rows, personIds, isNew, identified),
    commit() {
      mergedAway.forEach((p) => cache.merged(p));
      // Only what the cache did not already know (most rows hit it).
      for (const [p, d] of wanted.pairs()) {
        const v = known.get(p, d);
        if (v) cache.set(p, d, v);
      }
    },
  };
}

/**
 * The persons of (project, distinct id) pairs. One primary-key probe per pair, as a scalar
 * subquery the planner cannot turn into a join: a join of a short list with the whole table was
 * planned as a hash join over a sequential scan while the table was small enough (about 20k rows
 * and more: the cost of every batch grew with the table).
 */
async function lookup(db: pg.Pool | pg.PoolClient, pairs: ReadonlyArray<readonly [string, string]>): Promise<PairMap<string>> {
  const { rows } = await db.query(
    `select u.p as project_id, u.d as distinct_id,
            (select d.person_id from person_distinct_ids d where d.project_id = u.p and d.distinct_id = u.d) as person_id
       from unnest($1::uuid[], $2::text[]) as u(p, d)`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  const out = new PairMap<string>();
  for (const r of rows) if (r.person_id) out.set(r.project_id, r.distinct_id, r.person_id);
  return out;
}

/**
 * Links distinct ids to persons and creates the persons that got a link, in one statement (the
 * foreign key is checked at its end), with `props` (JSON, first-touch attribution) as a new
 * person's properties. Returns how many links were new and the persons made.
 * Rows go in person-id order, so concurrent writers lock in the same order and never deadlock.
 */
async function insertLinks(
  db: pg.Pool | pg.PoolClient,
  unordered: ReadonlyArray<readonly [string, string, string]>,
  props?: ReadonlyMap<string, string>,
  known = false,
) {
  const links = [...unordered].sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  const { rows } = await db.query(
    `with input as (
       select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[]) as i(project_id, distinct_id, person_id, props)
     ), linked as (
       insert into person_distinct_ids (project_id, distinct_id, person_id)
       select project_id, distinct_id, person_id from input on conflict do nothing
       returning project_id, distinct_id, person_id
     ), made as (
       insert into persons (id, project_id, properties)
       select distinct on (l.person_id) l.person_id, l.project_id, coalesce(i.props, '{}')
         from linked l join input i on i.project_id = l.project_id and i.distinct_id = l.distinct_id
        order by l.person_id
       on conflict (id) do nothing returning id
     )
     select (select count(*) from linked)::int as linked, array(select id::text from made) as made,
            ${known ? `array(select c.project_id::text || ',' || c.person_id::text || ',' || c.distinct_id
                         from (select i.project_id, i.distinct_id,
                                      (select d.person_id from person_distinct_ids d
                                        where d.project_id = i.project_id and d.distinct_id = i.distinct_id) as person_id
                                 from input i
                                where not exists (select 1 from linked l where l.project_id = i.project_id and l.distinct_id = i.distinct_id)) c
                        where c.person_id is not null)` : "null"} as known`,
    [links.map((l) => l[0]), links.map((l) => l[1]), links.map((l) => l[2]), links.map((l) => props?.get(l[2]) ?? null)],
  );
  // Links that existed already (another web process made them, say): where they point. Only the
  // ids this statement did not link are probed, one primary-key lookup each (see lookup); the
  // probes see the table as of the statement's snapshot (a link committed while this statement
  // waited is not seen: such ids are looked up inside the transaction, as before).
  const found: Array<[string, string, string]> = [];
  for (const k of (rows[0].known as string[] | null) ?? []) {
    const a = k.indexOf(",");
    const b = k.indexOf(",", a + 1);
    found.push([k.slice(0, a), k.slice(b + 1), k.slice(a + 1, b)]);
  }
  return { linked: rows[0].linked as number, made: new Set(rows[0].made as string[]), found };
}

/**
 * Before the events transaction, in a short statement of its own: finds each row's person in
 * the cache, and creates the persons of distinct ids never seen (not those an identify/alias in
 * the batch links, which the transaction handles in order), with the first-touch attribution
 * of their first event. Person ids are derived from (project, distinct id), so doing this
 * again, or for a batch that later fails, is harmless. Keeping it out of the long transaction
 * stops concurrent batches from waiting on each other's uncommitted persons.
 */
export async function preCreatePersons(pool: pg.Pool, rows: IngestRow[], cache: PersonCache): Promise<PersonPlan> {
  const n = rows.length;
  const personIds = new Array<string | undefined>(n);
  let links: Array<Link | null> | null = null;
  for (let i = 0; i < n; i++) {
    const link = identityLink(rows[i]!);
    if (link) (links ??= new Array<Link | null>(n).fill(null))[i] = link;
  }
  let involved: PairMap<true> | null = null;
  if (links) {
    involved = new PairMap<true>();
    for (const l of links) if (l) involved.set(l.projectId, l.target, true).set(l.projectId, l.source, true);
  }
  /** New (project, distinct id) -> index of its first row. */
  const todo = new PairMap<number>();
  for (let i = 0; i < n; i++) {
    const { projectId: p, distinctId: d } = rows[i]!;
    if (involved?.has(p, d)) continue;
    const hit = cache.get(p, d);
    if (hit !== undefined) personIds[i] = hit;
    else if (!todo.has(p, d)) todo.set(p, d, i);
  }
  if (!todo.size) return { personIds, links };
  // No lookup first: ids already linked (to their own or a merged person) simply conflict.
  const newLinks: Array<readonly [string, string, string]> = [];
  const props = new Map<string, string>();
  for (const [p, d, first] of todo.pairs()) {
    const person = newPersonId(p, d);
    newLinks.push([p, d, person]);
    props.set(person, JSON.stringify(initialAttribution(rows[first]!)));
  }
  const { made, found } = await insertLinks(pool, newLinks, props, true);
  for (const [p, d, person] of newLinks) if (made.has(person)) cache.set(p, d, person);
  for (const [p, d, person] of found) cache.set(p, d, person);
  for (let i = 0; i < n; i++) {
    if (personIds[i] !== undefined) continue;
    const { projectId: p, distinctId: d } = rows[i]!;
    if (!involved?.has(p, d)) personIds[i] = cache.get(p, d);
  }
  return { personIds, links };
}

/**
 * Each person's property changes from this batch: $set, $set_once, first-touch attribution of
 * persons created in the transaction, and is_identified for persons an identify/alias touched.
 * Sorted by person id, so concurrent writers lock persons in the same order.
 */
function personUpdates(
  rows: IngestRow[],
  personIds: string[],
  isNew: (person: string) => boolean,
  identified: Set<string>,
): PersonUpdate[] {
  let agg: Map<string, { set: Record<string, unknown>; setOnce: Record<string, unknown> }> | null = null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const person = personIds[i]!;
    const fresh = isNew(person);
    if (!row.set && !row.setOnce && !fresh && !identified.has(person)) continue;
    agg ??= new Map();
    const a = agg.get(person) ?? { set: {}, setOnce: {} };
    if (fresh) for (const [k, v] of Object.entries(initialAttribution(row))) if (!(k in a.setOnce)) a.setOnce[k] = v;
    if (row.setOnce) for (const [k, v] of Object.entries(row.setOnce)) if (!(k in a.setOnce)) a.setOnce[k] = v;
    if (row.set) Object.assign(a.set, row.set);
    agg.set(person, a);
  }
  for (const p of identified) {
    agg ??= new Map();
    if (!agg.has(p)) agg.set(p, { set: {}, setOnce: {} });
  }
  if (!agg) return [];
  return [...agg.keys()].sort().map((id) => ({ id, set: agg!.get(id)!.set, set_once: agg!.get(id)!.setOnce, identified: identified.has(id) }));
}

/**
 * The statement applying `updates` (one round trip with the commit that follows it): values go
 * as one JSON literal, escaped by pg's escapeLiteral; persons in id order.
 */
export function personUpdateSql(updates: PersonUpdate[]): string {
  return `update persons p
        set properties = (u.set_once || p.properties) || u.set,
            is_identified = p.is_identified or u.identified,
            updated_at = now()
       from jsonb_to_recordset(${pg.escapeLiteral(JSON.stringify(updates))}::jsonb) as u(id uuid, set jsonb, set_once jsonb, identified bool)
      where p.id = u.id`;
}

/**
 * Folds person `from` into `to`: its distinct ids, properties (where `to` has none) and events
 * move over, and a merge record lets anything still holding the old id resolve it. An already
 * identified person is never merged into another (two known users must stay apart).
 * Returns the surviving person, or null when nothing was merged.
 */
async function mergePersons(
  client: pg.PoolClient,
  projectId: string,
  from: string,
  to: string,
  mergeIdentified: boolean,
  created: Map<string, { projectId: string; distinctIds: string[] }>,
): Promise<string | null> {
  // A person created in this very batch is not in the database yet: fold it by re-pointing ids.
  const fold = (gone: string, survivor: string) => {
    const into = created.get(survivor) ?? { projectId, distinctIds: [] };
    into.distinctIds.push(...created.get(gone)!.distinctIds);
    created.set(survivor, into);
    created.delete(gone);
    return survivor;
  };
  if (created.has(from)) return fold(from, to);
  const { rows } = await client.query(`select is_identified from persons where id = $1`, [from]);
  if (rows[0]?.is_identified && !mergeIdentified) return null;
  if (created.has(to)) return fold(to, from);
  // Exclusive: waits for the project's other writers in flight (see MergeWatch).
  await client.query(`select pg_advisory_xact_lock(hashtextextended($1, 7))`, [projectId]);
  await client.query(`update person_distinct_ids set person_id = $3 where project_id = $1 and person_id = $2`, [projectId, from, to]);
  await client.query(
    `update persons t set properties = f.properties || t.properties, is_identified = true, updated_at = now()
       from persons f where f.id = $1 and t.id = $2`,
    [from, to],
  );
  await client.query(`update person_merges set to_person_id = $3 where project_id = $1 and to_person_id = $2`, [projectId, from, to]);
  await client.query(
    `insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)
     on conflict (project_id, from_person_id) do update set to_person_id = excluded.to_person_id, merged_at = now()`,
    [projectId, from, to],
  );
  await client.query(`update events set person_id = $3 where project_id = $1 and person_id = $2`, [projectId, from, to]);
  await client.query(`delete from persons where id = $1`, [from]);
  return to;
}
