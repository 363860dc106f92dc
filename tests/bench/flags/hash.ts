/**
 * `npx tsx tests/bench/flags/hash.ts [--seconds N]`: flag assignment hashes per second for each
 * implementation, side by side with the reference run in the same process: the plain recipe
 * `parseInt(createHash("sha1").update(s).digest("hex").slice(0, 15), 16)`, i.e. what a hashing
 * step in a local evaluator costs before any of our choices. One rollout check is one hash; a
 * multivariate flag costs two (rollout and variant). The target for Node SDK local
 * evaluation is 1 million evaluations per second: this measures the hash's share of that budget.
 */
import { createHash } from "node:crypto";
import { flagBucket as browserBucket } from "../../../sdk/browser/src/flag-hash";
import { flagBucket as nodeBucket, pickVariant } from "../../../sdk/node/src/flag-hash";
import { flagBucket as serverBucket } from "../../../server/flags/hash";

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 1;
const ids = Array.from({ length: 10_000 }, (_, i) => `0190b7a2-6c1e-7c4e-9a53-${String(i).padStart(12, "0")}`);
const variants = [
  { key: "control", percentage: 50 },
  { key: "test", percentage: 50 },
];

const candidates: [string, (id: string) => unknown][] = [
  ["reference: createHash + hex + parseInt", (id) => parseInt(createHash("sha1").update(`new-checkout.${id}`).digest("hex").slice(0, 15), 16)],
  ["server flagBucket (crypto.hash)", (id) => serverBucket("new-checkout", id)],
  ["Node SDK flagBucket (sha1.ts)", (id) => nodeBucket("new-checkout", id)],
  ["browser SDK flagBucket (sha1.ts)", (id) => browserBucket("new-checkout", id)],
  ["Node SDK rollout + variant (2 hashes)", (id) => nodeBucket("new-checkout", id) < 0.5 && pickVariant("new-checkout", id, variants)],
];

function rate(f: (id: string) => unknown): number {
  let n = 0;
  let sink = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (const id of ids) if (f(id)) sink++;
    n += ids.length;
  }
  if (sink < 0) console.log(sink);
  return n / seconds;
}

for (const [, f] of candidates) rate(f); // warm up every path first
const reference = rate(candidates[0]![1]);
console.log(`${"implementation".padEnd(42)} ${"per second".padStart(12)}  vs reference`);
for (const [name, f] of candidates) {
  const r = name.startsWith("reference") ? reference : rate(f);
  console.log(`${name.padEnd(42)} ${Math.round(r).toLocaleString("en").padStart(12)}  ${(r / reference).toFixed(2)}x`);
}
