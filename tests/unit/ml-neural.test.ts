import { describe, expect, it } from "vitest";
import { initBackend, resetBackendChoice, tf } from "../../ml/backend";
import { DEFAULT_NEURAL, neuralMember, trainGlobalModel, trainingWindows } from "../../ml/forecast/neural";

const series = [0, 1, 2].map((k) => Array.from({ length: 60 }, (_, t) => 50 * (k + 1) + t + 8 * Math.sin((2 * Math.PI * t) / 12 + k)));

describe("tfjs backend choice", () => {
  it("takes tfjs-node when its binding loads, else wasm, and logs the choice and what was skipped", async () => {
    resetBackendChoice();
    const logs: { obj: Record<string, unknown>; msg?: string }[] = [];
    const logger = { info: (obj: object, msg?: string) => logs.push({ obj: obj as Record<string, unknown>, msg }), warn: () => {} };
    const name = await initBackend(logger);
    expect(["tensorflow", "wasm"]).toContain(name);
    expect(tf.getBackend()).toBe(name);
    expect(logs[0]).toMatchObject({ msg: "tfjs backend selected", obj: { backend: name } });
    if (name === "wasm") expect(Object.keys(logs[0]!.obj.skipped as object)).toEqual(["tensorflow"]);
    // Asking again returns the same choice without trying again.
    expect(await initBackend(logger)).toBe(name);
    expect(logs).toHaveLength(1);
  }, 30_000);
});

describe("global MLP", () => {
  it("windows are standardised by their own mean and sd", () => {
    const { x, y } = trainingWindows([[1, 2, 3, 4, 5]], 3, 2);
    expect(x).toHaveLength(1);
    const sd = Math.sqrt(2 / 3);
    expect(x[0]!.map((v) => +v.toFixed(12))).toEqual([-1 / sd, 0, 1 / sd].map((v) => +v.toFixed(12)));
    expect(y[0]!.map((v) => +v.toFixed(12))).toEqual([2 / sd, 3 / sd].map((v) => +v.toFixed(12)));
  });

  it("is reproducible: the same seed gives the same forecasts, another seed other ones", async () => {
    resetBackendChoice();
    await initBackend(undefined, "cpu");
    const config = { ...DEFAULT_NEURAL, horizon: 6, windowLength: 24, epochs: 5 };
    const a = await trainGlobalModel(series, config);
    const b = await trainGlobalModel(series, config);
    const c = await trainGlobalModel(series, { ...config, seed: 7 });
    const fa = neuralMember(a).fit(series[0]!, 12).forecast(6);
    expect(neuralMember(b).fit(series[0]!, 12).forecast(6)).toEqual(fa);
    expect(neuralMember(c).fit(series[0]!, 12).forecast(6)).not.toEqual(fa);
    expect(fa.every(Number.isFinite)).toBe(true);
    // The forecast is in the series' units, near its recent level.
    expect(Math.abs(fa[0]! - series[0]!.at(-1)!)).toBeLessThan(40);
  }, 60_000);
});
