// Web vitals over the demo business (its sessions send $web_vitals, server/demo/web.ts), loaded
// through the real ingest path. The SQL's p75 and shares are checked against a recomputation in
// plain JS from the raw values (sorted, linear interpolation at 0.75 * (n - 1)).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoData } from "../../server/bootstrap/demo-data";
import { ensureEventPartitions } from "../../server/ingest/partitions";
import { createCaptureService, type CaptureService } from "../../server/ingest/service";
import { createProject } from "../../server/projects/create-project";
import { VITALS } from "../../server/vitals/thresholds";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";

let env: TestEnv;
let capture: CaptureService;
let caller: Awaited<ReturnType<typeof signIn>>["caller"];
let projectId: string;

function p75(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = 0.75 * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (pos - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

beforeAll(async () => {
  env = await createTestEnv();
  await ensureEventPartitions(env.db.pool);
  const { project } = await createProject(env.db.prisma, { name: "Demo vitals" });
  projectId = project.id;
  capture = await createCaptureService(env.deps, { spoolDir: await fs.mkdtemp(path.join(os.tmpdir(), "foresight-spool-")) });
  ({ caller } = await signIn(env.deps, "viewer"));
  await caller.projects.select({ id: project.id });
  await loadDemoData(env.deps, capture, { projectId: project.id, seed: 5, days: 14, persons: 400 });
}, 240_000);
afterAll(async () => {
  await capture?.close();
  await env?.close();
});

describe("web vitals of the demo site", () => {
  it("match a recomputation from the raw events, per page and device", async () => {
    const t0 = performance.now();
    const r = await caller.vitals.pages({ days: 28, pageLimit: 200 });
    const tVitals = performance.now() - t0;
    const t1 = performance.now();
    const { rows } = await env.db.pool.query<{ page: string; device: string; properties: Record<string, unknown> }>(
      `select coalesce(nullif(pathname, ''), '(unknown)') as page, coalesce(nullif(device, ''), 'unknown') as device, properties
         from events where project_id = $1 and event = '$web_vitals' and timestamp >= now() - interval '28 days'`,
      [projectId],
    );
    const tRaw = performance.now() - t1;
    expect(rows.length).toBeGreaterThan(500);
    console.log(`vitals.pages over ${rows.length} $web_vitals events: ${tVitals.toFixed(0)} ms; reading the same events raw: ${tRaw.toFixed(0)} ms`);

    let checked = 0;
    for (const row of r.pages.filter((p) => p.device !== null)) {
      const mine = rows.filter((x) => x.page === row.page && x.device === row.device);
      expect(row.pageLoads).toBe(mine.length);
      for (const v of VITALS) {
        const values = mine.map((x) => x.properties[`$web_vitals_${v.metric}_value`]).filter((x): x is number => typeof x === "number");
        const stat = row.metrics[v.metric];
        if (values.length === 0) {
          expect(stat).toBeUndefined();
          continue;
        }
        expect(stat!.samples).toBe(values.length);
        expect(stat!.p75).toBeCloseTo(p75(values), 6);
        expect(stat!.shares.good).toBeCloseTo(values.filter((x) => x <= v.good).length / values.length, 10);
        expect(stat!.shares.poor).toBeCloseTo(values.filter((x) => x > v.poor).length / values.length, 10);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // The generator makes mobile slower than desktop (server/demo/web.ts vitalsProfiles).
    const lcp = (device: string) => r.totals.find((t) => t.device === device)!.metrics.LCP!.p75;
    expect(lcp("mobile")).toBeGreaterThan(lcp("desktop"));
  });

  it("trend days add up to the window's samples", async () => {
    const trend = await caller.vitals.trend({ days: 28 });
    const pages = await caller.vitals.pages({ days: 28 });
    const total = trend.points.reduce((s, p) => s + (p.metrics.LCP?.samples ?? 0), 0);
    expect(total).toBe(pages.totals.find((t) => t.device === null)!.metrics.LCP!.samples);
    expect(trend.points.filter((p) => p.metrics.LCP).length).toBeGreaterThanOrEqual(13);
  });
});
