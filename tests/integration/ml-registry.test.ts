import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../ml/backend";
import { DEFAULT_NEURAL, globalModel, trainGlobalModel } from "../../ml/forecast/neural";
import type { ClientLike, PoolLike } from "../../ml/registry/db";
import { modelFromBytes, modelToBytes } from "../../ml/registry/io-handler";
import { recordPredictions, reconcileActuals, updateLiveAccuracy } from "../../ml/registry/predictions";
import { abandonStale, activeVersion, beginVersion, completeVersion, getVersion, listVersions, promote, rollback, type ModelKey } from "../../ml/registry/registry";
import { trainForecastVersion } from "../../ml/registry/train";
import { createTestEnv, type TestEnv } from "../support/db";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const key = (): ModelKey => ({ projectId: randomUUID(), kind: "forecast", target: "revenue" });
const series = Array.from({ length: 80 }, (_, t) => 100 + t + 10 * Math.sin((2 * Math.PI * t) / 12) + 2 * Math.sin(1.7 * t));

async function activeCount(k: ModelKey): Promise<number> {
  const { rows } = await env.db.pool.query(`SELECT count(*)::int AS n FROM model_versions WHERE project_id = $1 AND kind = $2 AND target = $3 AND active`, [k.projectId, k.kind, k.target]);
  return rows[0].n;
}

async function readyVersion(k: ModelKey, mase: number): Promise<string> {
  const { id } = await beginVersion(env.db.pool, k);
  await completeVersion(env.db.pool, id, { metrics: { mase } });
  return id;
}

/**
 * A pool whose clients die at a chosen statement: `mode: "throw"` fails the statement as a crash
 * of this process would; `mode: "terminate"` has PostgreSQL end the connection (pg_terminate_backend
 * from another session) just before the statement is sent, as a killed worker or lost network does.
 */
function faultyPool(trigger: RegExp, mode: "throw" | "terminate"): PoolLike {
  const pool = env.db.pool;
  return {
    query: (text, params) => pool.query(text, params) as never,
    async connect() {
      const client = await pool.connect();
      const pid = (await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
      const wrapped: ClientLike = {
        async query(text: string, params?: unknown[]) {
          if (trigger.test(text)) {
            if (mode === "throw") throw new Error("killed: training process died");
            await pool.query("SELECT pg_terminate_backend($1)", [pid]);
          }
          return client.query(text, params) as never;
        },
        release: (err) => client.release(err as Error),
      };
      return wrapped;
    },
  };
}

describe("model registry", () => {
  it("numbers versions per key and promotes only a version that beats the active one", async () => {
    const k = key();
    const v1 = await readyVersion(k, 1.0);
    expect((await promote(env.db.pool, v1)).promoted).toBe(true);
    const worse = await readyVersion(k, 1.2);
    const r = await promote(env.db.pool, worse);
    expect(r.promoted).toBe(false);
    expect(r.reason).toMatch(/does not beat/);
    const better = await readyVersion(k, 0.9);
    expect((await promote(env.db.pool, better)).promoted).toBe(true);
    expect((await activeVersion(env.db.pool, k))!.id).toBe(better);
    expect((await listVersions(env.db.pool, k)).map((v) => v.version)).toEqual([3, 2, 1]);
    expect(await activeCount(k)).toBe(1);
    // A version still training cannot be promoted.
    const { id: training } = await beginVersion(env.db.pool, k);
    expect((await promote(env.db.pool, training)).reason).toBe("status is training");
  });

  it("rolls back to the previously active version, and one further", async () => {
    const k = key();
    const ids = [];
    for (const mase of [1.0, 0.9, 0.8]) {
      const id = await readyVersion(k, mase);
      await promote(env.db.pool, id);
      ids.push(id);
    }
    expect(await rollback(env.db.pool, k)).toEqual({ from: 3, to: 2 });
    expect((await activeVersion(env.db.pool, k))!.id).toBe(ids[1]);
    expect(await rollback(env.db.pool, k)).toEqual({ from: 2, to: 1 });
    expect(await activeCount(k)).toBe(1);
    await expect(rollback(env.db.pool, k)).rejects.toThrow(/no earlier promoted version/);
  });

  it("a training killed between save and promote leaves the old version active; the retry promotes", async () => {
    const k = key();
    const v1 = await readyVersion(k, 5);
    await promote(env.db.pool, v1);
    // Killed as promote starts (the process dies after completeVersion committed).
    await expect(trainForecastVersion(faultyPool(/SELECT .* FROM model_versions WHERE id = \$1$/s, "throw"), { key: k, values: series, options: { horizon: 6 } })).rejects.toThrow(/killed/);
    expect((await activeVersion(env.db.pool, k))!.id).toBe(v1);
    expect(await activeCount(k)).toBe(1);
    const retry = await trainForecastVersion(env.db.pool, { key: k, values: series, options: { horizon: 6 } });
    expect(retry.promotion.promoted).toBe(true);
    expect(retry.version).toBe(3);
    expect((await activeVersion(env.db.pool, k))!.id).toBe(retry.id);
    expect(await activeCount(k)).toBe(1);
    // The half-finished run is a ready, inactive version with its metrics: never active.
    const versions = await listVersions(env.db.pool, k);
    expect(versions.find((v) => v.version === 2)).toMatchObject({ status: "ready", active: false, promotedAt: null });
  });

  it("a connection terminated inside promote (old version already deactivated) rolls back whole", async () => {
    const k = key();
    const v1 = await readyVersion(k, 5);
    await promote(env.db.pool, v1);
    const v2 = await readyVersion(k, 1);
    await expect(promote(faultyPool(/SET active = true, promoted_at/, "terminate"), v2)).rejects.toThrow(/terminat|connection error|not queryable/i);
    expect((await activeVersion(env.db.pool, k))!.id).toBe(v1);
    expect((await getVersion(env.db.pool, v2))!.active).toBe(false);
    expect(await activeCount(k)).toBe(1);
    expect((await promote(env.db.pool, v2)).promoted).toBe(true);
    expect(await activeCount(k)).toBe(1);
  });

  it("a training killed before its version is complete is abandoned and the retry succeeds", async () => {
    const k = key();
    const v1 = await readyVersion(k, 5);
    await promote(env.db.pool, v1);
    // The process dies while storing what training produced (before completeVersion commits).
    const diesOnComplete: PoolLike = { query: failOn(/UPDATE model_versions SET status = 'ready'/), connect: () => env.db.pool.connect() as never };
    await expect(trainForecastVersion(diesOnComplete, { key: k, values: series, options: { horizon: 6 } })).rejects.toThrow(/killed/);
    const stuck = (await listVersions(env.db.pool, k)).find((v) => v.version === 2)!;
    expect(stuck.status).toBe("training");
    expect(await activeCount(k)).toBe(1);
    const retry = await trainForecastVersion(env.db.pool, { key: k, values: series, options: { horizon: 6 }, staleAfterMs: 0 });
    expect(retry.promotion.promoted).toBe(true);
    expect((await getVersion(env.db.pool, stuck.id))!.status).toBe("failed");
    expect(await abandonStale(env.db.pool, k, 0)).toBe(0);
    expect(await activeCount(k)).toBe(1);
  });

  it("stores a TF.js model as artifact bytes through the custom IOHandler and loads it back", async () => {
    await initBackend(undefined, "cpu");
    const config = { ...DEFAULT_NEURAL, horizon: 4, windowLength: 8, epochs: 3, hidden: [8] };
    const model = await trainGlobalModel([series.slice(0, 40), series.slice(20)], config);
    const bytes = await modelToBytes(model.model);
    const k = key();
    const { id } = await beginVersion(env.db.pool, k);
    await completeVersion(env.db.pool, id, { metrics: { mase: 1 }, artifact: bytes, artifactMeta: { format: "FSTF", config } });
    await promote(env.db.pool, id);
    const row = (await activeVersion(env.db.pool, k))!;
    expect(Buffer.compare(row.artifact!, bytes)).toBe(0);
    const loaded = globalModel(await modelFromBytes(row.artifact!), row.artifactMeta!.config as typeof config);
    expect(loaded.predict(series)).toEqual(model.predict(series));
  });
});

function failOn(trigger: RegExp): PoolLike["query"] {
  return ((text: string, params?: unknown[]) => {
    if (trigger.test(text)) return Promise.reject(new Error("killed: training process died"));
    return env.db.pool.query(text, params);
  }) as PoolLike["query"];
}

describe("prediction store", () => {
  it("records predictions, reconciles actuals idempotently and keeps live accuracy", async () => {
    const k = key();
    const id = await readyVersion(k, 1);
    await promote(env.db.pool, id);
    await recordPredictions(env.db.pool, id, k, [
      { forDate: "2026-11-01", horizon: 1, predicted: 100, lower80: 90, upper80: 110, lower95: 80, upper95: 120 },
      { forDate: "2026-11-02", horizon: 2, predicted: 100, lower80: 90, upper80: 110, lower95: 80, upper95: 120 },
      { forDate: "2026-11-03", horizon: 3, predicted: 100, lower80: 90, upper80: 110, lower95: 80, upper95: 120 },
    ]);
    const actuals = [
      { date: "2026-11-01", value: 105 },
      { date: "2026-11-02", value: 115 },
    ];
    expect(await reconcileActuals(env.db.pool, k, actuals)).toBe(2);
    expect(await reconcileActuals(env.db.pool, k, actuals)).toBe(0);
    const live = await updateLiveAccuracy(env.db.pool, id);
    expect(live.n).toBe(2);
    expect(live.mae).toBeCloseTo(10, 12);
    expect(live.coverage80).toBeCloseTo(0.5, 12);
    expect(live.coverage95).toBeCloseTo(1, 12);
    expect(live.smape).toBeCloseTo((200 * 5) / 205 / 2 + (200 * 15) / 215 / 2, 9);
    expect((await getVersion(env.db.pool, id))!.liveMetrics).toMatchObject({ n: 2, coverage80: 0.5 });
  });
});
