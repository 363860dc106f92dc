// The demo's experiment, analysed end to end, against the generator's own truth: the variant sets
// the chance that a checkout goes on to payment (server/demo/session.ts funnelRates.payment), so
// the share of exposed persons who submit a payment within minutes of their first exposure must
// lie near those rates, the split must pass the SRM check, and "test" must not look worse.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoData } from "../../server/bootstrap/demo-data";
import { funnelRates } from "../../server/demo/session";
import type { ExperimentResults } from "../../server/experiments";
import { ensureEventPartitions } from "../../server/ingest/partitions";
import { createCaptureService, type CaptureService } from "../../server/ingest/service";
import { createProject } from "../../server/projects/create-project";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";

const DAYS = 30;
let env: TestEnv;
let capture: CaptureService;
let results: ExperimentResults;
let seconds: { load: number; results: number };

beforeAll(async () => {
  env = await createTestEnv();
  await ensureEventPartitions(env.db.pool);
  const { project } = await createProject(env.db.prisma, { name: "Demo experiment" });
  capture = await createCaptureService(env.deps, { spoolDir: await fs.mkdtemp(path.join(os.tmpdir(), "foresight-spool-")) });
  const { caller } = await signIn(env.deps, "analyst");
  await caller.projects.select({ id: project.id });
  const t0 = performance.now();
  await loadDemoData(env.deps, capture, { projectId: project.id, seed: 11, days: DAYS, persons: 1500 });
  const t1 = performance.now();
  const e = await caller.experiments.create({
    key: "checkout-redesign",
    name: "Checkout redesign",
    variants: [{ key: "control", weight: 50 }, { key: "test", weight: 50 }],
    // The payment is submitted about three minutes after the exposure: a 10-minute window holds the first checkout only.
    primaryMetric: { kind: "conversion", event: "payment_submitted", windowHours: 1 / 6 },
    secondaryMetrics: [{ kind: "revenue", windowHours: 72 }],
  });
  await caller.experiments.start({ id: e.id, startedAt: new Date(Date.now() - (DAYS + 1) * 86_400_000) });
  const t2 = performance.now();
  results = await caller.experiments.results({ id: e.id });
  seconds = { load: (t1 - t0) / 1000, results: (performance.now() - t2) / 1000 };
}, 300_000);
afterAll(async () => {
  await capture?.close();
  await env?.close();
});

describe("the demo's checkout-redesign experiment", () => {
  it("recovers the generator's payment rates within sampling error", () => {
    const primary = results.metrics[0]!;
    for (const key of ["control", "test"] as const) {
      const arm = primary.arms.find((a) => a.key === key)!;
      const truth = funnelRates.payment[key];
      const se = Math.sqrt((truth * (1 - truth)) / arm.n);
      expect(arm.n).toBeGreaterThan(200);
      expect(Math.abs(arm.value - truth), `${key}: ${arm.value} vs ${truth} (n ${arm.n}, se ${se})`).toBeLessThan(4 * se);
    }
    console.log(`demo ${DAYS} days / 1500 persons: load ${seconds.load.toFixed(1)} s, results ${seconds.results.toFixed(2)} s;`, JSON.stringify(primary.arms));
  });

  it("passes the SRM check (the demo hashes persons 50 / 50) and leaves nobody in two variants", () => {
    expect(results.metrics[0]!.analysis!.srm.mismatch).toBe(false);
    expect(results.exposures.multipleVariants).toBe(0);
    expect(results.exposures.unknownValues).toBe(0);
  });

  it("has the true effect (+5.8 points) inside the always-valid interval of the difference", () => {
    const v = results.metrics[0]!.analysis!.variants[0]!;
    const trueDiff = funnelRates.payment.test - funnelRates.payment.control;
    expect(v.sequential.ciLow).toBeLessThan(trueDiff);
    expect(v.sequential.ciHigh).toBeGreaterThan(trueDiff);
    expect(results.guidance.recommendation).not.toBe("fix-assignment");
  });
});
