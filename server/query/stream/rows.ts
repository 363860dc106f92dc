import type pg from "pg";

/**
 * Reads a query's rows in batches through a server-side cursor (DECLARE takes bind parameters,
 * unlike COPY), as arrays, so millions of rows never sit in memory as row objects at once.
 */
export async function forEachRowBatch(
  pool: pg.Pool,
  query: { text: string; values: unknown[] },
  onBatch: (rows: unknown[][]) => void,
  batchSize = 50_000,
  /** Runs first, in the same transaction and snapshot (repeatable read). */
  prelude?: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    if (prelude) await prelude(client);
    await client.query(`declare foresight_stream no scroll cursor for ${query.text}`, query.values);
    for (;;) {
      const r = await client.query({ text: `fetch ${batchSize} from foresight_stream`, rowMode: "array" });
      if (r.rows.length) onBatch(r.rows as unknown[][]);
      if (r.rows.length < batchSize) break;
    }
    await client.query("commit");
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
