#!/usr/bin/env node
// Builds the script-tag bundle (one minified IIFE installing window.foresight) into the web app's
// public/sdk/, and with --package also the ESM + .d.ts files of the npm package into dist/.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.find((a) => a.startsWith("--outfile="));
const outfile = outArg ? path.resolve(outArg.slice("--outfile=".length)) : path.join(here, "..", "..", "public", "sdk", "foresight.js");

await build({
  entryPoints: [path.join(here, "src", "global.ts")],
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
console.log(`wrote ${path.relative(process.cwd(), outfile)}`);

if (process.argv.includes("--package")) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(here, "tsconfig.json")], { stdio: "inherit" });
  console.log(`wrote ${path.relative(process.cwd(), path.join(here, "dist"))}`);
}
