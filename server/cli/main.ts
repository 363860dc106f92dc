import { Command, CommanderError } from "commander";
import { appVersion, ConfigError, loadConfig, type Config } from "../config";
import { registerDemoCommand } from "./demo";
import { registerMigrateCommands } from "./migrate";
import { registerStatsCommand } from "./stats";
import { registerQueryCommand } from "./query";
import { registerRollupsCommand } from "./rollups";
import { registerForecastCommands } from "./forecast";

// The runtime (express, Remix, graphile-worker) loads only for the commands that run it, so the
// small commands (stats, query, forecast ...) start quickly.
const runForesight: typeof import("../runtime").runForesight = async (...args) => (await import("../runtime")).runForesight(...args);

/** One line on stderr, non-zero exit: what automation and people both want from a bad start. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`foresight: ${message}\n`);
  process.exit(code);
}

export function config(overrides: Record<string, string | undefined> = {}): Config {
  try {
    const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    return loadConfig({ ...process.env, ...given });
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid configuration: ${err.issues.join("; ")}`);
    throw err;
  }
}

const program = new Command("foresight")
  .description("Self-hosted product analytics and business intelligence with an ML sidecar")
  .version(appVersion)
  .showHelpAfterError()
  .exitOverride();

const portOption = ["-p, --port <port>", "HTTP port (overrides PORT)"] as const;

program
  .command("start", { isDefault: true })
  .description("Run the web server and the background worker in one process (embedded PostgreSQL when DATABASE_URL is unset)")
  .option(...portOption)
  .action(async (o: { port?: string }) => runForesight(config({ PORT: o.port }), { web: true, worker: true }));

program
  .command("web")
  .description("Run only the web server (HTTP, Remix, tRPC); pair with `foresight worker` in production")
  .option(...portOption)
  .action(async (o: { port?: string }) => runForesight(config({ PORT: o.port }), { web: true, worker: false }));

program
  .command("worker")
  .description("Run only the background job worker (graphile-worker)")
  .action(async () => runForesight(config(), { web: false, worker: true }));

registerMigrateCommands(program, config);
registerDemoCommand(program, config);
registerStatsCommand(program);
registerQueryCommand(program, config);
registerRollupsCommand(program, config);
registerForecastCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  fail((err as Error).message);
}
