import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, freePort, type EmbeddedPostgresHandle } from "../../server/db/embedded";
import { withDatabase } from "../../server/db/ensure-database";
import { deployMigrations } from "../../server/db/migrations";
import { createLogger } from "../../server/logger";
import { ensureEventPartitions } from "../../server/ingest/partitions";

export const TEMPLATE_DB = "foresight_test_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the test server's `postgres` database. */
    pgAdminUrl: string;
    templateDb: string;
  }
}

let embedded: EmbeddedPostgresHandle | null = null;
let dataDir: string | null = null;

/** One PostgreSQL for the whole run (DATABASE_URL's server when set), and a migrated template. */
export async function setup(project: TestProject) {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, "postgres");
  } else {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-test-"));
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: await freePort(),
      logger: createLogger("warn"),
    });
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  await deployMigrations(withDatabase(adminUrl, TEMPLATE_DB));
  const template = new pg.Pool({ connectionString: withDatabase(adminUrl, TEMPLATE_DB), max: 1 });
  await ensureEventPartitions(template);
  await template.end();
  project.provide("pgAdminUrl", adminUrl);
  project.provide("templateDb", TEMPLATE_DB);
}

export async function teardown() {
  await embedded?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}
