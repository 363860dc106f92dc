import type pg from "pg";
import type { IngestRow } from "./ingest-row";
import { PairMap, type PersonCache } from "./person-cache";
import { uuidFromName } from "./uuid";

/** The person a brand-new distinct id gets: deterministic, so concurrent writers agree. */
export const newPersonId = (projectId: string, distinctId: string) => uuidFromName(projectId, "person", distinctId);

interface Link {
  projectId: string;
  /** The id the event is sent as (the known user id). */
  target: string;
  /** The id to fold into it ($anon_distinct_id or the alias). */
  source: string;
  mergeIdentified: boolean;
}

function identityLink(row: IngestRow): Link | null {
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

/**
 * Resolves every row's person inside the writer's transaction: looks up distinct ids, applies
 * identify/alias links in event order (merging an anonymous person into the identified one),
 * creates persons for new ids, and applies $set / $set_once / first-touch attribution.
 * Returns the person id per row, and what to remember once the transaction has committed.
 */
export async function resolvePersons(
  client: pg.PoolClient,
  rows: IngestRow[],
  cache: PersonCache,
  /** Persons that preCreatePersons just created for this batch (they get first-touch attribution). */
  fresh: ReadonlySet<string> = new Set(),
): Promise<{ personIds: string[]; commit(): void }> {
  const mergedAway: string[] = [];
  const known = new PairMap<string>();
  const wanted = new PairMap<true>();
  const want = (p: string, d: string) => {
    if (known.has(p, d)) return;
    const hit = cache.get(p, d);
    if (hit) known.set(p, d, hit);
    else wanted.set(p, d, true);
  };
  for (const row of rows) {
    want(row.projectId, row.distinctId);
    const link = identityLink(row);
    if (link) want(link.projectId, link.source);
  }
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
      mergedAway.push(gone);
    }
    return survivor;
  };

  for (const row of rows) {
    const link = identityLink(row);
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

  const personIds = rows.map((row) => ensure(row.projectId, row.distinctId));

  if (created.size) {
    const links = [...created.entries()]
      .flatMap(([person, c]) => c.distinctIds.map((d) => [c.projectId, d, person] as const));
    const { linked } = await insertLinks(client, links);
    if (linked < links.length) {
      // Another writer linked some of these ids first: use its persons, and make sure every
      // identify/alias of this batch still ends with both ids on one person.
      const actual = await lookup(client, links.map((l) => [l[0], l[1]] as const));
      for (const [p, d, v] of actual.pairs()) known.set(p, d, v);
      for (const row of rows) {
        const link = identityLink(row);
        if (!link) continue;
        const pt = known.get(link.projectId, link.target);
        const ps = known.get(link.projectId, link.source);
        if (pt && ps && pt !== ps) await merge(link, ps, pt, new Map());
      }
      rows.forEach((row, i) => {
        personIds[i] = known.get(row.projectId, row.distinctId) ?? personIds[i]!;
      });
    }
  }
  const isNew = (person: string) => created.has(person) || fresh.has(person);
  await applyPersonProperties(client, rows, personIds, isNew, identified);
  return {
    personIds,
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

async function lookup(db: pg.Pool | pg.PoolClient, pairs: ReadonlyArray<readonly [string, string]>): Promise<PairMap<string>> {
  const { rows } = await db.query(
    `select project_id, distinct_id, person_id from person_distinct_ids
      where (project_id, distinct_id) in (select * from unnest($1::uuid[], $2::text[]))`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  const out = new PairMap<string>();
  for (const r of rows) out.set(r.project_id, r.distinct_id, r.person_id);
  return out;
}

/**
 * Links distinct ids to persons and creates the persons that got a link, in one statement (the
 * foreign key is checked at its end). Returns how many links were new and the persons made.
 * Rows go in person-id order, so concurrent writers lock in the same order and never deadlock.
 */
async function insertLinks(db: pg.Pool | pg.PoolClient, unordered: ReadonlyArray<readonly [string, string, string]>) {
  const links = [...unordered].sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  const { rows } = await db.query(
    `with linked as (
       insert into person_distinct_ids (project_id, distinct_id, person_id)
       select * from unnest($1::uuid[], $2::text[], $3::uuid[]) on conflict do nothing
       returning project_id, person_id
     ), made as (
       insert into persons (id, project_id) select distinct person_id, project_id from linked
       on conflict (id) do nothing returning id
     )
     select (select count(*) from linked)::int as linked, array(select id::text from made) as made`,
    [links.map((l) => l[0]), links.map((l) => l[1]), links.map((l) => l[2])],
  );
  return { linked: rows[0].linked as number, made: new Set(rows[0].made as string[]) };
}

/**
 * Before the events transaction, in short statements of their own: creates the persons of
 * distinct ids never seen (not those an identify/alias in the batch links, which the
 * transaction handles in order). Person ids are derived from (project, distinct id), so doing
 * this again, or for a batch that later fails, is harmless. Keeping it out of the long
 * transaction stops concurrent batches from waiting on each other's uncommitted persons.
 * Returns the persons created.
 */
export async function preCreatePersons(pool: pg.Pool, rows: IngestRow[], cache: PersonCache): Promise<Set<string>> {
  const linkedByIdentity = new PairMap<true>();
  for (const row of rows) {
    const link = identityLink(row);
    if (link) linkedByIdentity.set(link.projectId, link.target, true).set(link.projectId, link.source, true);
  }
  const todo = new PairMap<true>();
  for (const row of rows) {
    const { projectId: p, distinctId: d } = row;
    if (cache.get(p, d) === undefined && !linkedByIdentity.has(p, d)) todo.set(p, d, true);
  }
  if (!todo.size) return new Set();
  // No lookup first: ids already linked (to their own or a merged person) simply conflict.
  const links = [...todo.pairs()]
    .map(([p, d]) => [p, d, newPersonId(p, d)] as const);
  const { made: createdIds } = await insertLinks(pool, links);
  // Links that lost a race to another writer are looked up again inside the transaction.
  for (const [p, d, person] of links) if (createdIds.has(person)) cache.set(p, d, person);
  return createdIds;
}

async function applyPersonProperties(
  client: pg.PoolClient,
  rows: IngestRow[],
  personIds: string[],
  isNew: (person: string) => boolean,
  identified: Set<string>,
) {
  const agg = new Map<string, { set: Record<string, unknown>; setOnce: Record<string, unknown> }>();
  rows.forEach((row, i) => {
    const person = personIds[i]!;
    const fresh = isNew(person);
    if (!row.set && !row.setOnce && !fresh && !identified.has(person)) return;
    const a = agg.get(person) ?? { set: {}, setOnce: {} };
    if (fresh) for (const [k, v] of Object.entries(initialAttribution(row))) if (!(k in a.setOnce)) a.setOnce[k] = v;
    if (row.setOnce) for (const [k, v] of Object.entries(row.setOnce)) if (!(k in a.setOnce)) a.setOnce[k] = v;
    if (row.set) Object.assign(a.set, row.set);
    agg.set(person, a);
  });
  for (const p of identified) if (!agg.has(p)) agg.set(p, { set: {}, setOnce: {} });
  if (!agg.size) return;
  const ids = [...agg.keys()].sort();
  await client.query(
    `update persons p
        set properties = (u.set_once || p.properties) || u.set,
            is_identified = p.is_identified or u.identified,
            updated_at = now()
       from (select * from unnest($1::uuid[], $2::jsonb[], $3::jsonb[], $4::bool[]) as t(id, set, set_once, identified)) u
      where p.id = u.id`,
    [
      ids,
      ids.map((id) => JSON.stringify(agg.get(id)!.set)),
      ids.map((id) => JSON.stringify(agg.get(id)!.setOnce)),
      ids.map((id) => identified.has(id)),
    ],
  );
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
