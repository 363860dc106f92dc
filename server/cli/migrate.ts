import type { Command } from "commander";
import type { Config } from "../config";
import { createLogger } from "../logger";
import { openDatabase } from "../db/open-database";
import { createMigration, deployMigrations, migrationDrift, migrationStatus } from "../db/migrations";

/** Runs `fn` against the configured database (starting the embedded one if needed), then exits:
 * the WASM schema engine leaves a timer behind, so the process would not end by itself. */
async function withDatabase(config: Config, fn: (url: string) => Promise<number | void>): Promise<never> {
  const logger = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
  const db = await openDatabase(config, logger);
  let code = 0;
  try {
    code = (await fn(db.url)) ?? 0;
  } catch (err) {
    process.stderr.write(`foresight: ${(err as Error).message}\n`);
    code = 1;
  } finally {
    await db.stop();
  }
  process.exit(code);
}

export function registerMigrateCommands(program: Command, config: () => Config): void {
  const migrate = program.command("migrate").description("Database migrations (Prisma's migration engine, offline)");

  migrate
    .command("deploy", { isDefault: true })
    .description("Apply pending migrations from prisma/migrations")
    .action(() =>
      withDatabase(config(), async (url) => {
        const { applied } = await deployMigrations(url, { log: (m) => process.stderr.write(m + "\n") });
        process.stdout.write(applied.length ? `Applied ${applied.length}: ${applied.join(", ")}\n` : "No pending migrations\n");
      }),
    );

  migrate
    .command("create")
    .description("Create a migration from the changes in prisma/schema.prisma (like `prisma migrate dev --create-only`)")
    .argument("<name>", "short snake_case name, e.g. add_dashboards")
    .action((name: string) =>
      withDatabase(config(), async (url) => {
        if (!/^[a-z0-9_]{1,60}$/.test(name)) throw new Error(`name: use lowercase letters, digits and _ (got "${name}")`);
        const { created } = await createMigration(url, name);
        process.stdout.write(created ? `Created ${created}\n` : "No schema changes: nothing to create\n");
      }),
    );

  migrate
    .command("status")
    .description("List applied and pending migrations")
    .action(() =>
      withDatabase(config(), async (url) => {
        const status = await migrationStatus(url);
        process.stdout.write(JSON.stringify(status, null, 2) + "\n");
      }),
    );

  migrate
    .command("diff")
    .description("Exit 1 when prisma/schema.prisma and prisma/migrations disagree (prints the missing SQL)")
    .action(() =>
      withDatabase(config(), async (url) => {
        const { drift, script } = await migrationDrift(url);
        process.stdout.write(drift ? script + "\n" : "schema.prisma and migrations agree\n");
        return drift ? 1 : 0;
      }),
    );
}
