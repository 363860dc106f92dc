// Who was exposed, when first, and to which variant (docs/decisions/0017-experiment-exposures-and-metrics.md).
// A person (after merges) is exposed when an exposure event of the experiment's flag falls in the
// experiment's window; their first such event fixes the time, their variant is the value it
// carried. Persons whose exposures name two different variants are left out of every metric and
// counted apart. All user-given values are bind parameters.
import type pg from "pg";

export interface ExposureWindow {
  projectId: string;
  flagKey: string;
  experimentKey: string;
  exposureEvent: string;
  variantKeys: string[];
  /** Holdout persons are those whose exposures all say the flag was off; only kept when the experiment has a holdout. */
  holdout: boolean;
  from: Date;
  to: Date;
}

export interface ExposedPerson {
  person: string;
  variant: string;
  firstAt: number;
}

export interface Exposures {
  persons: ExposedPerson[];
  holdout: ExposedPerson[];
  /** Persons seen in two or more variants: excluded. */
  multipleVariants: number;
  /** Exposure events whose value is none of the variants (and not a holdout's "off"). */
  unknownValues: number;
}

export const HOLDOUT = "holdout";

// The value an exposure carried: $feature_flag_response for $feature_flag_called, or an explicit
// exposure event's $experiment_variant / variant property. false (the flag was off) reads as 'false'.
const EXPOSURES_SQL = `
  with raw as (
    select coalesce(pm.to_person_id, e.person_id) as person, e.timestamp, e.uuid,
           coalesce(e.properties->>'$feature_flag_response', e.properties->>'$experiment_variant', e.properties->>'variant') as value
      from events e
      left join person_merges pm on pm.project_id = e.project_id and pm.from_person_id = e.person_id
     where e.project_id = $1 and e.event = $2 and e.timestamp >= $3 and e.timestamp < $4
       and (e.properties->>'$feature_flag' = $5 or e.properties->>'$experiment' = $6)
  )
  select person,
         extract(epoch from min(timestamp) filter (where value = any($7::text[]))) * 1000 as first_at,
         (array_agg(value order by timestamp, uuid) filter (where value = any($7::text[])))[1] as variant,
         count(distinct value) filter (where value = any($7::text[]))::int as variants,
         extract(epoch from min(timestamp) filter (where value = 'false')) * 1000 as off_at,
         count(*) filter (where value is null or not (value = any($7::text[]) or value = 'false'))::int as unknown
    from raw
   group by person`;

export async function readExposures(pool: pg.Pool, w: ExposureWindow): Promise<Exposures> {
  const { rows } = await pool.query(EXPOSURES_SQL, [w.projectId, w.exposureEvent, w.from, w.to, w.flagKey, w.experimentKey, w.variantKeys]);
  const out: Exposures = { persons: [], holdout: [], multipleVariants: 0, unknownValues: 0 };
  for (const r of rows) {
    out.unknownValues += r.unknown;
    if (r.variants > 1) out.multipleVariants++;
    else if (r.variants === 1) out.persons.push({ person: r.person, variant: r.variant, firstAt: Number(r.first_at) });
    else if (w.holdout && r.off_at !== null) out.holdout.push({ person: r.person, variant: HOLDOUT, firstAt: Number(r.off_at) });
  }
  return out;
}
