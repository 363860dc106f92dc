/**
 * `npx tsx tests/bench/flags/local-eval.ts [--seconds N]`: Node SDK local evaluations per second
 * (ForesightFlags.evaluateLocally, the synchronous path behind getFeatureFlag / isFeatureEnabled),
 * side by side with the reference measured in the same process: the bare Node SDK hash, one
 * SHA-1 bucket per call. Definitions come through the SDK's own loader from a stub fetch, so no
 * server is needed. The target is 1,000,000 evaluations per second.
 *
 * Flags (a realistic mix): a boolean 20% rollout for everyone; a boolean whose first rule is a
 * property condition (plan in [pro, team]) at 100% and second rule 10%; a 3-variant multivariate
 * flag at 50% (two hashes when in). People: 10,000 ids with properties, cycled, which is how a
 * server sees them (the same users request after request: the SDK's hash memo serves repeats).
 * "cold" disables the memo: every evaluation hashes, as for a never-seen id.
 */
import { ForesightFlags, flagBucket, type FlagDef } from "../../../sdk/node/src/index";
import { fmt, table } from "../support/table";

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 1;

const flags: FlagDef[] = [
  { key: "new-navigation", type: "boolean", enabled: true, rules: [{ conditions: [], rollout: 20 }], variants: [], payloads: {}, environments: [] },
  {
    key: "pro-reports", type: "boolean", enabled: true, variants: [], payloads: { true: { limit: 100 } }, environments: [],
    rules: [{ conditions: [{ type: "person", key: "plan", operator: "in", value: ["pro", "team"] }], rollout: 100 }, { conditions: [], rollout: 10 }],
  },
  {
    key: "checkout-layout", type: "multivariate", enabled: true, payloads: {}, environments: [],
    variants: [{ key: "control", weight: 34 }, { key: "one-page", weight: 33 }, { key: "stepper", weight: 33 }],
    rules: [{ conditions: [], rollout: 50 }],
  },
];
const body = JSON.stringify({ flags });
const stubFetch = async () => ({ status: 200, headers: { get: (n: string) => (n === "etag" ? '"bench"' : null) }, text: async () => body });

const people = Array.from({ length: 10_000 }, (_, i) => ({
  id: `0190b7a2-6c1e-7c4e-9a53-${String(i).padStart(12, "0")}`,
  props: { plan: ["free", "pro", "team", "free"][i % 4]!, country: "GB" },
}));
const keys = flags.map((f) => f.key);

function rate(f: (i: number) => unknown): number {
  let n = 0;
  let sink = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < people.length; i++) if (f(i)) sink++;
    n += people.length;
  }
  if (sink < 0) console.log(sink);
  return n / seconds;
}

const warm = new ForesightFlags({ host: "http://bench.invalid", secretKey: "fs_sec_bench", fetch: stubFetch, pollIntervalMs: 0 });
const cold = new ForesightFlags({ host: "http://bench.invalid", secretKey: "fs_sec_bench", fetch: stubFetch, pollIntervalMs: 0, hashCacheSize: 0 });
await Promise.all([warm.ready(), cold.ready()]);

const candidates: [string, (i: number) => unknown][] = [
  ["reference: Node SDK flagBucket (1 SHA-1)", (i) => flagBucket("new-navigation", people[i]!.id) < 0.2],
  ["evaluateLocally, 3 flags in turn (memo)", (i) => warm.evaluateLocally(keys[i % 3]!, people[i]!.id, { personProperties: people[i]!.props })?.value],
  ["evaluateLocally, 3 flags in turn (cold)", (i) => cold.evaluateLocally(keys[i % 3]!, people[i]!.id, { personProperties: people[i]!.props })?.value],
  ["evaluateLocally, boolean 20% (memo)", (i) => warm.evaluateLocally("new-navigation", people[i]!.id)?.value],
  ["evaluateLocally, multivariate 50% (memo)", (i) => warm.evaluateLocally("checkout-layout", people[i]!.id)?.value],
];

for (const [, f] of candidates) rate(f); // warm up every path first
const results = candidates.map(([name, f]) => [name, rate(f)] as const);
const reference = results[0]![1];
console.log(`Node ${process.version}, ${seconds} s per row, ${people.length.toLocaleString("en")} people cycled\n`);
console.log(table(["path", "evaluations/s", "vs reference"], results.map(([name, r]) => [name, fmt.int(r), `${(r / reference).toFixed(2)}x`])));
warm.shutdown();
cold.shutdown();
