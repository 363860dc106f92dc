import path from "node:path";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { assertPortFree, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded";
import { ensureDatabase, withDatabase } from "./ensure-database";

export interface OpenedDatabase {
  url: string;
  embedded: EmbeddedPostgresHandle | null;
  stop(): Promise<void>;
}

/** `DATABASE_URL` set: use that server. Unset: start the embedded one under the data dir. */
export async function openDatabase(config: Config, logger: Logger): Promise<OpenedDatabase> {
  if (config.DATABASE_URL) {
    await ensureDatabase(config.DATABASE_URL).catch((err: Error) => {
      throw new Error(`DATABASE_URL: cannot reach the database (${err.message})`);
    });
    return { url: config.DATABASE_URL, embedded: null, stop: async () => {} };
  }
  await assertPortFree(config.FORESIGHT_PG_PORT).catch((err: Error) => {
    throw new Error(`FORESIGHT_PG_PORT: ${err.message} (another PostgreSQL? set FORESIGHT_PG_PORT or DATABASE_URL)`);
  });
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(config.FORESIGHT_DATA_DIR, "pg"),
    port: config.FORESIGHT_PG_PORT,
    logger,
  });
  try {
    const url = withDatabase(embedded.url, "foresight");
    await ensureDatabase(url);
    return { url, embedded, stop: () => embedded.stop() };
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}
