/**
 * What the registry needs from PostgreSQL: a pg.Pool (or anything shaped like it). ml/ takes it
 * as a parameter and never imports server/.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface ClientLike extends Queryable {
  release(err?: Error | boolean): void;
}

export interface PoolLike extends Queryable {
  connect(): Promise<ClientLike>;
}

/**
 * Runs fn in one transaction on one client. Any error (including a connection that dies midway)
 * rolls back: PostgreSQL discards an uncommitted transaction when its connection ends, and the
 * broken client is released with the error so the pool drops it.
 */
export async function inTransaction<T>(pool: PoolLike, fn: (c: ClientLike) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    client.release();
    return out;
  } catch (err) {
    try {
      await client.query("ROLLBACK");
      client.release();
    } catch {
      client.release(err as Error);
    }
    throw err;
  }
}
