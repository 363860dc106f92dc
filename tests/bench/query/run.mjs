#!/usr/bin/env node
/**
 * `npm run bench:query [-- options]`: installs the peer engines' package (tests/bench/package.json:
 * DuckDB and chdb, about 600 MB, kept out of the root install) when it is missing, then runs the
 * benchmark (bench.ts) with tsx and a larger heap. Options are passed through; see BENCHMARKS.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, "..");
const root = path.resolve(benchDir, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const installed = ["@duckdb/node-api", "chdb"].every((p) => existsSync(path.join(benchDir, "node_modules", p, "package.json")));
if (!installed) {
  console.log("installing the peer engines (tests/bench/package.json: @duckdb/node-api, chdb) ...");
  // `npm install`, not `npm ci`: the registry here lacks the other platforms' optional binary
  // packages, so the lock cannot list them and `npm ci` calls it out of sync. The lock still
  // pins the versions.
  const r = spawnSync(npm, ["install", "--prefix", benchDir, "--no-audit", "--no-fund"], { stdio: "inherit", cwd: benchDir });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
const r = spawnSync(process.execPath, ["--max-old-space-size=8192", tsx, path.join(here, "bench.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
process.exit(r.status ?? (r.signal ? 1 : 0));
