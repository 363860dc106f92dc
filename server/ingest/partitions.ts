import type pg from "pg";

function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}
function addMonths(d: Date, n: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}
export function partitionName(d: Date): string {
  return `events_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * Creates the monthly partitions of `events` from `monthsBack` months ago to `monthsAhead`
 * months ahead (idempotent). Names and bounds are derived from dates, never from input.
 */
export async function ensureEventPartitions(pool: pg.Pool, opts: { now?: Date; monthsBack?: number; monthsAhead?: number } = {}) {
  const now = opts.now ?? new Date();
  const first = addMonths(monthStart(now), -(opts.monthsBack ?? 13));
  const last = addMonths(monthStart(now), opts.monthsAhead ?? 3);
  const created: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) {
    const name = partitionName(m);
    const { rows } = await pool.query("select to_regclass($1) is not null as present", [name]);
    if (rows[0].present) continue;
    await pool.query(
      `create table if not exists ${name} partition of events for values from ('${m.toISOString()}') to ('${addMonths(m, 1).toISOString()}')`,
    );
    created.push(name);
  }
  return { created };
}

/** Drops whole monthly partitions that end before `cutoff` (retention). */
export async function dropPartitionsBefore(pool: pg.Pool, cutoff: Date): Promise<string[]> {
  const { rows } = await pool.query(
    `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname = 'events' and c.relname ~ '^events_y[0-9]{4}m[0-9]{2}$' order by c.relname`,
  );
  const dropped: string[] = [];
  for (const { relname } of rows as Array<{ relname: string }>) {
    const y = Number(relname.slice(8, 12));
    const m = Number(relname.slice(13, 15));
    const end = new Date(Date.UTC(y, m, 1));
    if (end <= cutoff) {
      await pool.query(`drop table ${relname}`);
      dropped.push(relname);
    }
  }
  return dropped;
}
