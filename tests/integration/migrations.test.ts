// The migration runner (server/db/migrations.ts) against a real PostgreSQL.
// It starts its own embedded server because it needs empty databases, not clones of the
// migrated template; it can move to the shared harness (tests/support, inject("pgAdminUrl"))
// once that settles.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../server/db/embedded";
import { ensureDatabase, withDatabase } from "../../server/db/ensure-database";
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  createMigration,
  deployMigrations,
  migrationDrift,
  migrationStatus,
} from "../../server/db/migrations";
import { createLogger } from "../../server/logger";

let server: EmbeddedPostgresHandle;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-migrations-"));
  server = await startEmbeddedPostgres({
    dataDir: path.join(tmp, "pg"),
    port: await freePort(),
    logger: createLogger("warn"),
  });
});

afterAll(async () => {
  await server?.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

function newDatabaseUrl(): string {
  return withDatabase(server.url, `mig_${randomBytes(4).toString("hex")}`);
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function localMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function sha256(file: string): Promise<string> {
  return createHash("sha256").update(await fs.readFile(file)).digest("hex");
}

/** A copy of schema.prisma that disagrees with the migrations: one more column, one more table. */
async function driftedSchema(): Promise<string> {
  const schema = await fs.readFile(DEFAULT_SCHEMA_PATH, "utf8");
  const drifted = schema.replace(
    /(model InstanceMeta \{\n)/,
    "$1  note      String?\n",
  ) + "\nmodel DriftProbe {\n  id Int @id\n\n  @@map(\"drift_probe\")\n}\n";
  expect(drifted).toContain("note      String?");
  const dir = await fs.mkdtemp(path.join(tmp, "schema-"));
  const file = path.join(dir, "schema.prisma");
  await fs.writeFile(file, drifted);
  return file;
}

async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    server.url,
    "select datname from pg_database where datname like '%\\_shadow\\_%'",
  );
  return rows.map((r) => r.datname);
}

describe("deployMigrations", () => {
  let url: string;
  beforeAll(() => {
    url = newDatabaseUrl();
  });

  it("applies every migration to an empty database and records Prisma's checksums", async () => {
    const local = await localMigrations();
    expect(local.length).toBeGreaterThan(0);

    const { applied } = await deployMigrations(url);

    expect(applied).toEqual(local);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(url, "select * from _prisma_migrations order by migration_name");
    expect(rows.map((r) => r.migration_name)).toEqual(local);
    for (const row of rows) {
      expect(row.checksum).toBe(await sha256(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql")));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // The schema is really there.
    expect(await query(url, "select * from users")).toEqual([]);
  });

  it("applies nothing the second time", async () => {
    const before = await query(url, "select * from _prisma_migrations order by migration_name");
    expect(await deployMigrations(url)).toEqual({ applied: [] });
    expect(await query(url, "select * from _prisma_migrations order by migration_name")).toEqual(before);
  });

  it("applies each migration once when several processes deploy at the same moment", async () => {
    const concurrentUrl = newDatabaseUrl();
    const results = await Promise.all([1, 2, 3].map(() => deployMigrations(concurrentUrl)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(await localMigrations());
    const rows = await query(concurrentUrl, "select migration_name from _prisma_migrations");
    expect(rows).toHaveLength((await localMigrations()).length);
  });
});

describe("migrationStatus", () => {
  it("lists pending migrations before a deploy and applied ones after", async () => {
    const url = newDatabaseUrl();
    await ensureDatabase(url);
    const local = await localMigrations();
    expect(await migrationStatus(url)).toMatchObject({ applied: [], pending: local, failed: [] });
    await deployMigrations(url);
    expect(await migrationStatus(url)).toEqual({ applied: local, pending: [], failed: [], edited: [], unknown: [] });
  });
});

describe("migrationDrift", () => {
  it("finds no drift between prisma/schema.prisma and prisma/migrations", async () => {
    expect(await migrationDrift(server.url)).toEqual({ drift: false, script: "" });
  });

  it("reports the missing SQL when the schema disagrees with the migrations", async () => {
    const { drift, script } = await migrationDrift(server.url, { schemaPath: await driftedSchema() });
    expect(drift).toBe(true);
    expect(script).toMatch(/ALTER TABLE "instance_meta" ADD COLUMN\s+"note" TEXT/);
    expect(script).toContain('CREATE TABLE "drift_probe"');
  });

  it("drops its shadow databases", async () => {
    expect(await shadowDatabases()).toEqual([]);
  });
});

describe("createMigration", () => {
  it("creates nothing when the schema has no changes, and the next migration when it has", async () => {
    const url = newDatabaseUrl();
    const migrationsDir = path.join(tmp, "migrations-copy");
    await fs.cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const before = await localMigrations(migrationsDir);

    // Like `prisma migrate dev`, it brings the database up to date first.
    expect(await createMigration(url, "nothing", { migrationsDir })).toEqual({ created: null });
    expect(await localMigrations(migrationsDir)).toEqual(before);
    expect(await migrationStatus(url, { migrationsDir })).toMatchObject({ applied: before, pending: [] });

    const schemaPath = await driftedSchema();
    const { created } = await createMigration(url, "add drift probe", { migrationsDir, schemaPath });
    expect(created).toMatch(/^\d{14}_add_drift_probe$/);
    expect(await localMigrations(migrationsDir)).toEqual([...before, created]);
    const sql = await fs.readFile(path.join(migrationsDir, created!, "migration.sql"), "utf8");
    expect(sql).toContain('CREATE TABLE "drift_probe"');

    // The new history matches the changed schema, and deploys on top of the old one.
    expect(await migrationDrift(url, { migrationsDir, schemaPath })).toEqual({ drift: false, script: "" });
    expect(await deployMigrations(url, { migrationsDir })).toEqual({ applied: [created] });
    expect(await shadowDatabases()).toEqual([]);
  });

  it("writes migration_lock.toml into a new migrations directory", async () => {
    const migrationsDir = path.join(tmp, "migrations-new");
    const { created } = await createMigration(newDatabaseUrl(), "init", { migrationsDir });
    expect(created).toMatch(/^\d{14}_init$/);
    expect(await fs.readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toBe(
      await fs.readFile(path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml"), "utf8"),
    );
    // A complete history in one migration.
    expect(await migrationDrift(server.url, { migrationsDir })).toEqual({ drift: false, script: "" });
  });
});
