// `npm test`: typecheck, build the web app (browser tests serve it), then every vitest project.
// Extra arguments go to vitest, e.g. `npm test -- --project unit`.
import { spawnSync } from "node:child_process";

const steps = [
  ["typecheck", "tsc", ["--noEmit", "-p", "."]],
  ["build (web app and browser SDK)", "npm", ["run", "build", "--silent"]],
  ["vitest", "vitest", ["run", ...process.argv.slice(2)]],
];

for (const [name, bin, args] of steps) {
  process.stderr.write(`\n== ${name}\n`);
  const t0 = Date.now();
  const r = spawnSync(bin === "npm" ? "npm" : `node_modules/.bin/${bin}`, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.CI ? "0" : "1" } });
  if (r.status !== 0) {
    process.stderr.write(`\nnpm test: ${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  process.stderr.write(`== ${name} passed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
