/**
 * `npx tsx tests/bench/flags/local-eval.ts [--seconds N]`: Node SDK local evaluations per second
 * (ForesightFlags.evaluateLocally, the synchronous path behind getFeatureFlag / isFeatureEnabled),
 * side by side with the reference measured in the same process: one flag bucket computed the
 * plain way with node:crypto (crypto.hash SHA-1 of the concatenated string), which is what the
 * SDK did before its own SHA-1 (sdk/node/src/sha1.ts). Definitions come through the SDK's own
 * loader from a stub fetch, so no server is needed. The target is 1,000,000 evaluations
 * per second.
 *
 * Each row is timed by the wall clock and by the process's CPU time (process.cpuUsage): on a
 * shared machine the wall rate drops whenever another process holds the core, while the rate per
 * CPU-second is what one core delivers when it is ours. "vs reference" compares CPU rates.
 *
 * Flags (a realistic mix): a boolean 20% rollout for everyone; a boolean whose first rule is a
 * property condition (plan in [pro, team]) at 100% and second rule 10%; a 3-variant multivariate
 * flag at 50% (two hashes when in). People: 10,000 ids with properties, cycled, which is how a
 * server sees them (the same users request after request: the SDK's hash memo serves repeats).
 * "cold" disables the memo: every evaluation hashes, as for a never-seen id.
 */
import * as crypto from "node:crypto";
import { loadavg } from "node:os";
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

/** Evaluations per wall second and per CPU second of this process. */
function rate(f: (i: number) => unknown): { wall: number; cpu: number } {
  let n = 0;
  let sink = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < people.length; i++) if (f(i)) sink++;
    n += people.length;
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - start) / 1000;
  if (sink < 0) console.log(sink);
  return { wall: n / wall, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

const warm = new ForesightFlags({ host: "http://bench.invalid", secretKey: "fs_sec_bench", fetch: stubFetch, pollIntervalMs: 0 });
const cold = new ForesightFlags({ host: "http://bench.invalid", secretKey: "fs_sec_bench", fetch: stubFetch, pollIntervalMs: 0, hashCacheSize: 0 });
await Promise.all([warm.ready(), cold.ready()]);

/** The bucket as the SDK computed it with node:crypto before sha1.ts (and as server/flags/hash.ts still does). */
const cryptoBucket = (key: string, id: string) => {
  const d = crypto.hash("sha1", `${key}.${id}`, "buffer");
  return Math.min((d.readUInt32BE(0) * 0x10000000 + (d.readUInt32BE(4) >>> 4)) / 0xfffffffffffffff, 1 - 2 ** -53);
};

const candidates: [string, (i: number) => unknown][] = [
  ["reference: node:crypto bucket (1 SHA-1)", (i) => cryptoBucket("new-navigation", people[i]!.id) < 0.2],
  ["Node SDK flagBucket (1 SHA-1, sha1.ts)", (i) => flagBucket("new-navigation", people[i]!.id) < 0.2],
  ["evaluateLocally, 3 flags in turn (cold, no memo)", (i) => cold.evaluateLocally(keys[i % 3]!, people[i]!.id, { personProperties: people[i]!.props })?.value],
  ["evaluateLocally, boolean 20% (cold)", (i) => cold.evaluateLocally("new-navigation", people[i]!.id)?.value],
  ["evaluateLocally, multivariate 50% (cold)", (i) => cold.evaluateLocally("checkout-layout", people[i]!.id)?.value],
  ["evaluateLocally, 3 flags in turn (memo)", (i) => warm.evaluateLocally(keys[i % 3]!, people[i]!.id, { personProperties: people[i]!.props })?.value],
];

for (const [, f] of candidates) rate(f); // warm up every path first
const load = loadavg();
const results = candidates.map(([name, f]) => [name, rate(f)] as const);
const reference = results[0]![1];
const target = 1_000_000;
console.log(`Node ${process.version}, ${seconds} s per row, ${people.length.toLocaleString("en")} people cycled; load average before ${load.map((l) => l.toFixed(2)).join(" ")}, after ${loadavg().map((l) => l.toFixed(2)).join(" ")} (2 cores)\n`);
console.log(
  table(
    ["path", "evaluations/s (wall)", "per CPU-second", "vs reference (CPU)"],
    results.map(([name, r]) => [name, fmt.int(r.wall), fmt.int(r.cpu), `${(r.cpu / reference.cpu).toFixed(2)}x`]),
  ),
);
const coldMixed = results[2]![1];
console.log(
  `\nCold path, 3 flags in turn: ${fmt.int(coldMixed.cpu)} per CPU-second (${coldMixed.cpu >= target ? "meets" : "misses"} the 1M/s target on one core), ${fmt.int(coldMixed.wall)} per wall second in this run (${coldMixed.wall >= target ? "meets" : "misses"} it under this load).`,
);
warm.shutdown();
cold.shutdown();
