/**
 * Node CPU per event of the capture path alone (what a /batch request costs before the writer):
 * decode, JSON parse, PostHog parse, normalize, sanitize, enrich, definitions, toRow, on the
 * benchmark's bodies, without HTTP, PostgreSQL or writer (the writer is a stand-in holding only
 * the definition registry). Warm-up, then 7 timed passes; prints min and median of process CPU
 * per event. A diagnostic to compare two trees on a shared machine (alternate runs of each):
 * `npx tsx tests/bench/ingest/capture-path.ts [--events N]`.
 */
import { parseArgs } from "node:util";
import { decodeBodyChecked } from "../../../server/ingest/body";
import { DefinitionRegistry } from "../../../server/ingest/definitions";
import { parsePosthog } from "../../../server/ingest/parse/posthog";
import { CapturePipeline } from "../../../server/ingest/pipeline";
import type { CaptureProject } from "../../../server/ingest/project-keys";
import { SessionTracker } from "../../../server/ingest/sessions";
import type { IngestWriter } from "../../../server/ingest/writer";
import { generateEvents, USER_AGENTS } from "./events";

const { values: args } = parseArgs({ options: { events: { type: "string", default: "100000" } } });
const N = Number(args.events);
const gen = generateEvents({ n: N, users: 20_000, batch: 100, apiKey: "key", seed: 42, now: Date.now() }, () => {});
const writer = { definitions: new DefinitionRegistry() } as unknown as IngestWriter;
const pipeline = new CapturePipeline(null as never, null as never, new SessionTracker(), writer, "secret");
const project: CaptureProject = { id: "802bdf39-f140-41cf-b263-c3b0d8a5ff85", ipMode: "truncate", cookieless: false, respectDnt: false, strictEvents: false, rateLimitPerSec: 1e9 };
type ToRows = (p: CaptureProject, parsed: unknown, r: { sentAt: null; ip: string; userAgent: string }) => { rows: unknown[]; errors: unknown[] };
const toRows = (pipeline as unknown as { toRows: ToRows }).toRows.bind(pipeline);
const noQuery = new URLSearchParams();

function pass() {
  gen.bodies.forEach((body, i) => {
    const decoded = decodeBodyChecked(body, "application/json", undefined, noQuery);
    const parsed = parsePosthog(decoded.body);
    parsed.plainStrings = decoded.plainStrings;
    const { errors } = toRows(project, parsed, { sentAt: null, ip: "127.0.0.1", userAgent: USER_AGENTS[i % USER_AGENTS.length]! });
    if (errors.length) throw new Error(`the bench events should all be valid: ${JSON.stringify(errors[0])}`);
  });
}

for (let i = 0; i < 3; i++) pass();
const us: number[] = [];
for (let i = 0; i < 7; i++) {
  const c0 = process.cpuUsage();
  pass();
  const c = process.cpuUsage(c0);
  us.push((c.user + c.system) / N);
}
us.sort((a, b) => a - b);
process.stdout.write(`capture path, ${N} events: ${us[0]!.toFixed(2)} µs/event (min of 7), ${us[3]!.toFixed(2)} (median)\n`);
