// `foresight stats --input file`, spawned as a user runs it (node bin/foresight.mjs).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnForesight } from "../support/spawn-foresight";

let dir = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-stats-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function run(input: unknown, raw?: string) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await fs.writeFile(file, raw ?? JSON.stringify(input));
  const p = spawnForesight(["stats", "--input", file], {});
  const { code } = await p.exited;
  return { code, output: p.output() };
}

describe("foresight stats", { timeout: 60_000 }, () => {
  it("prints one result per test, in order, with null where undefined", async () => {
    const { code, output } = await run([
      { test: "proportions", control: { n: 1000, conversions: 100 }, variant: { n: 1000, conversions: 120 } },
      { test: "means", control: { n: 10, mean: 5.2, variance: 1.3 }, variant: { n: 14, mean: 6.1, variance: 2.9 } },
      { test: "srm", observed: [5000, 5200], weights: [1, 1] },
      { test: "proportions", control: { n: 500, conversions: 0 }, variant: { n: 400, conversions: 0 } },
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(output);
    expect(out).toHaveLength(4);
    expect(Object.keys(out[0])).toEqual(["diff", "z", "pValue", "ciLow", "ciHigh", "relativeLift"]);
    expect(Object.keys(out[1])).toEqual(["diff", "t", "df", "pValue", "ciLow", "ciHigh"]);
    expect(Object.keys(out[2])).toEqual(["chi2", "df", "pValue"]);
    // mpmath references (tests/unit/stats-reference-values.py): proportions(1000, 100, 1000, 120),
    // welch(10, 5.2, 1.3, 14, 6.1, 2.9), srm([5000, 5200], [1, 1])
    const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);
    near(out[0].z, 1.4293008498232322);
    near(out[0].pValue, 0.15291778186394597);
    near(out[0].ciLow, -0.0074114819980199363);
    near(out[0].ciHigh, 0.047411481998019936);
    near(out[0].relativeLift, 0.2);
    near(out[1].t, 1.5500136686111371);
    near(out[1].df, 21.949864927680731);
    near(out[1].pValue, 0.13543753706903513);
    near(out[1].ciLow, -0.30433323042640726);
    near(out[2].chi2, 3.9215686274509804);
    expect(out[2].df).toBe(1);
    near(out[2].pValue, 0.047670380656161448);
    expect(out[3]).toEqual({ diff: 0, z: null, pValue: null, ciLow: 0, ciHigh: 0, relativeLift: null });
  });

  it("exits 1 naming the index and field of bad input", async () => {
    const [bad, notJson, notArray] = await Promise.all([
      run([
        { test: "srm", observed: [10, 12], weights: [1, 1] },
        { test: "proportions", control: { n: 100, conversions: 120 }, variant: { n: 100, conversions: 3 } },
        { test: "means", control: { n: 10, mean: 1, variance: -1 }, variant: { n: 10, mean: 2, variance: 1 } },
        { test: "anova" },
      ]),
      run(null, "{ nope"),
      run({ test: "srm" }),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/^foresight: stats: invalid input: /);
    expect(bad.output).toContain("[1].control.conversions: conversions must not exceed n");
    expect(bad.output).toContain("[2].control.variance");
    expect(bad.output).toContain("[3].test");
    expect(bad.output).not.toContain("[0]");
    expect(notJson.code).toBe(1);
    expect(notJson.output).toMatch(/is not valid JSON/);
    expect(notArray.code).toBe(1);
    expect(notArray.output).toMatch(/input: .*expected array/);
  });
});
