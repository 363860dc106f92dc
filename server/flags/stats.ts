import type pg from "pg";

/** UTC day of a time, as the flag_stat_days `day` column holds it. */
export function utcDay(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * Evaluations per (project, flag, UTC day, variant), counted in memory and added to
 * flag_stat_days by `flush()` (a timer calls it every `intervalMs`; close() flushes the rest).
 * A failed flush keeps its counts for the next one. Variants are stored as text: "true", "false"
 * or the variant key.
 */
export class FlagEvaluationCounter {
  private counts = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<number> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    intervalMs = 10_000,
  ) {
    if (intervalMs > 0) this.timer = setInterval(() => void this.flush().catch(() => {}), intervalMs).unref();
  }

  add(projectId: string, flagKey: string, variant: string | boolean, at = Date.now()): void {
    const k = `${projectId}\u0000${flagKey}\u0000${this.day(at)}\u0000${String(variant)}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  private dayStart = 0;
  private dayLabel = "";

  /** utcDay(at), remembered for the current day (add runs once per flag per request). */
  private day(at: number): string {
    if (at < this.dayStart || at >= this.dayStart + 86_400_000) {
      this.dayStart = at - (((at % 86_400_000) + 86_400_000) % 86_400_000);
      this.dayLabel = utcDay(this.dayStart);
    }
    return this.dayLabel;
  }

  get pending(): number {
    return this.counts.size;
  }

  /** Writes what was counted; resolves with the number of rows upserted. */
  flush(): Promise<number> {
    return (this.flushing ??= this.write().finally(() => (this.flushing = null)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => {});
  }

  private async write(): Promise<number> {
    if (this.counts.size === 0) return 0;
    const batch = this.counts;
    this.counts = new Map();
    const cols: [string[], string[], string[], string[], number[]] = [[], [], [], [], []];
    for (const [k, n] of batch) {
      const [p, f, d, v] = k.split("\u0000") as [string, string, string, string];
      cols[0].push(p);
      cols[1].push(f);
      cols[2].push(d);
      cols[3].push(v);
      cols[4].push(n);
    }
    try {
      await this.pool.query(
        `insert into flag_stat_days (project_id, flag_key, day, variant, evaluations)
         select * from unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::bigint[])
         on conflict (project_id, flag_key, day, variant) do update set evaluations = flag_stat_days.evaluations + excluded.evaluations`,
        cols,
      );
    } catch (err) {
      for (const [k, n] of batch) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
      throw err;
    }
    return batch.size;
  }
}

/**
 * Exposures: `$feature_flag_called` events (properties `$feature_flag`, `$feature_flag_response`)
 * counted per flag, variant and UTC day from the events table and written into
 * flag_stat_days.exposures. A recount replaces the days it covers, so running it again (or
 * concurrently) gives the same rows; it reads the (project_id, event, timestamp) index.
 */
export async function recountExposures(pool: pg.Pool, opts: { projectId?: string; since: Date; until?: Date }): Promise<number> {
  const until = opts.until ?? new Date(Date.now() + 86_400_000);
  const { rowCount } = await pool.query(
    `with counted as (
       select e.project_id, e.properties ->> '$feature_flag' as flag_key, (e.timestamp at time zone 'UTC')::date as day,
              coalesce(e.properties ->> '$feature_flag_response', 'false') as variant, count(*) as n
         from events e
        where e.event = '$feature_flag_called' and e.timestamp >= $2 and e.timestamp < $3
          and ($1::uuid is null or e.project_id = $1::uuid)
          and e.properties ? '$feature_flag'
        group by 1, 2, 3, 4
     ), cleared as (
       update flag_stat_days s set exposures = 0
        where s.day >= ($2::timestamptz at time zone 'UTC')::date and s.day < ($3::timestamptz at time zone 'UTC')::date
          and ($1::uuid is null or s.project_id = $1::uuid) and s.exposures <> 0
          and not exists (select 1 from counted c where c.project_id = s.project_id and c.flag_key = s.flag_key and c.day = s.day and c.variant = s.variant)
     )
     insert into flag_stat_days (project_id, flag_key, day, variant, exposures)
     select project_id, flag_key, day, variant, n from counted
     on conflict (project_id, flag_key, day, variant) do update set exposures = excluded.exposures`,
    [opts.projectId ?? null, opts.since, until],
  );
  return rowCount ?? 0;
}

export interface FlagStatRow {
  day: string;
  variant: string;
  evaluations: number;
  exposures: number;
}

export async function readFlagStats(pool: pg.Pool, projectId: string, flagKey: string, since: string): Promise<FlagStatRow[]> {
  const { rows } = await pool.query(
    `select to_char(day, 'YYYY-MM-DD') as day, variant, evaluations::float8 as evaluations, exposures::float8 as exposures
       from flag_stat_days where project_id = $1 and flag_key = $2 and day >= $3::date order by day, variant`,
    [projectId, flagKey, since],
  );
  return rows;
}
