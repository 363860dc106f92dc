import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./config";
import { remixBuildPath } from "./http";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the browser SDK's script-tag bundle and the Remix app when either is missing or older
 * than its sources (sdk/browser/src; app/ and remix.config.js), so one command runs it.
 */
export function ensureRemixBuild(log: (msg: string) => void): void {
  const bundle = path.join(repoRoot, "public", "sdk", "foresight.js");
  const bundled = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  if (bundled < newestMtime(path.join(repoRoot, "sdk", "browser", "src"))) {
    log(bundled ? "Rebuilding the browser SDK (sdk/browser/src changed)..." : "Building the browser SDK...");
    const sdk = spawnSync(process.execPath, [path.join(repoRoot, "sdk", "browser", "build.mjs")], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
    if (sdk.status !== 0) throw new Error("the browser SDK build failed (see the output above)");
  }
  const built = existsSync(remixBuildPath) ? statSync(remixBuildPath).mtimeMs : 0;
  const sources = Math.max(newestMtime(path.join(repoRoot, "app")), statSync(path.join(repoRoot, "remix.config.js")).mtimeMs);
  if (built >= sources) return;
  log(built ? "Rebuilding the web app (app/ changed)..." : "Building the web app (first start)...");
  const r = spawnSync(path.join(repoRoot, "node_modules", ".bin", "remix"), ["build"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error("remix build failed (see the output above)");
}
