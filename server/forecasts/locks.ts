import type pg from "pg";

/**
 * Session-level advisory locks held on one dedicated connection for as long as a training runs.
 * PostgreSQL releases them when that connection ends, so a process killed midway frees them at
 * once: "the lock is free" then means "nobody is training this any more" (see reclaim.ts).
 * The names differ from the registry's own transaction locks ('model_versions:...'), which
 * beginVersion and promote take on other connections while these are held.
 */
export const jobLockName = (jobId: string) => `train_forecasts:job:${jobId}`;
export const targetLockName = (projectId: string, target: string) => `forecast-training:${projectId}:${target}`;

export interface LockHolder {
  tryLock(name: string): Promise<boolean>;
  unlock(name: string): Promise<void>;
  release(): void;
}

export async function lockHolder(pool: pg.Pool): Promise<LockHolder> {
  const client = await pool.connect();
  return {
    async tryLock(name) {
      const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtextextended($1, 0)) as ok`, [name]);
      return rows[0]!.ok;
    },
    async unlock(name) {
      await client.query(`select pg_advisory_unlock(hashtextextended($1, 0))`, [name]);
    },
    release() {
      // Ending the session drops every lock it still holds.
      client.release(true);
    },
  };
}

/** Whether some live session holds the named lock (tries it, and gives it back at once). */
export async function isLockHeld(pool: pg.Pool, name: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtextextended($1, 0)) as ok`, [name]);
    if (rows[0]!.ok) await client.query(`select pg_advisory_unlock(hashtextextended($1, 0))`, [name]);
    return !rows[0]!.ok;
  } finally {
    client.release();
  }
}
