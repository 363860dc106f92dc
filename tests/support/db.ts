import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { connectDatabase, type Database } from "../../server/db/client";
import { withDatabase } from "../../server/db/ensure-database";
import { loadConfig, type Config } from "../../server/config";
import { createDeps, type Deps } from "../../server/deps";
import { createLogger } from "../../server/logger";

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh database cloned from the migrated template: fast, and private to one test file. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `fs_test_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`create database ${name} template ${inject("templateDb")}`));
  return {
    url: withDatabase(inject("pgAdminUrl"), name),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

export interface TestEnv {
  url: string;
  db: Database;
  deps: Deps;
  config: Config;
  close(): Promise<void>;
}

/** Deps wired to a private database, as the web and worker processes build them. */
export async function createTestEnv(env: Record<string, string> = {}): Promise<TestEnv> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", FORESIGHT_DEMO_DATA: "false", ...env, DATABASE_URL: database.url });
  const db = connectDatabase(database.url, { max: 5 });
  const deps = createDeps(config, db, createLogger(config.LOG_LEVEL));
  return {
    url: database.url,
    db,
    deps,
    config,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}
