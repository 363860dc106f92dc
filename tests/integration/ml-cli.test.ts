import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnForesight } from "../support/spawn-foresight";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-forecast-cli-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

function monthlyCsv(n: number): string {
  const rows = ["date,value"];
  for (let t = 0; t < n; t++) {
    const date = `${2019 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")}-01`;
    rows.push(`${date},${(200 + 2 * t + 15 * Math.sin((2 * Math.PI * t) / 12) + 3 * Math.sin(1.7 * t)).toFixed(3)}`);
  }
  return rows.join("\n") + "\n";
}

describe("foresight forecast / backtest", () => {
  it("round trip: date,value in, date,mean,lo80,hi80,lo95,hi95 out, dates continuing the series", async () => {
    const input = path.join(dir, "in.csv");
    const out = path.join(dir, "out.csv");
    await fs.writeFile(input, monthlyCsv(72));
    const p = spawnForesight(["forecast", "--csv", input, "--horizon", "9", "--out", out], {});
    const { code } = await p.exited;
    expect(p.output()).toMatch(/season length 12/);
    expect(code).toBe(0);
    const parsed = Papa.parse<Record<string, string>>(await fs.readFile(out, "utf8"), { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual(["date", "mean", "lo80", "hi80", "lo95", "hi95"]);
    expect(parsed.data.map((r) => r.date)).toEqual(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01"]);
    for (const [h, r] of parsed.data.entries()) {
      const [mean, lo80, hi80, lo95, hi95] = ["mean", "lo80", "hi80", "lo95", "hi95"].map((k) => Number(r[k]));
      expect(lo95).toBeLessThanOrEqual(lo80!);
      expect(lo80).toBeLessThan(mean!);
      expect(mean).toBeLessThan(hi80!);
      expect(hi80).toBeLessThanOrEqual(hi95!);
      // The series' own continuation lies well inside the 95% band.
      const t = 72 + h;
      const truth = 200 + 2 * t + 15 * Math.sin((2 * Math.PI * t) / 12) + 3 * Math.sin(1.7 * t);
      expect(truth).toBeGreaterThan(lo95!);
      expect(truth).toBeLessThan(hi95!);
    }
    // Without --out the same CSV goes to standard output.
    const again = spawnForesight(["forecast", "--csv", input, "--horizon", "9"], {});
    expect((await again.exited).code).toBe(0);
    expect(again.output()).toContain((await fs.readFile(out, "utf8")).trim());
  }, 60_000);

  it("backtest prints MASE, sMAPE and coverage per member and for the combination", async () => {
    const input = path.join(dir, "bt.csv");
    await fs.writeFile(input, monthlyCsv(72));
    const p = spawnForesight(["backtest", "--csv", input, "--horizon", "12", "--season-length", "12"], {});
    expect((await p.exited).code).toBe(0);
    const text = p.output();
    expect(text).toMatch(/MASE\s+sMAPE%\s+cov80%\s+cov95%/);
    for (const name of ["snaive", "ets", "theta", "combination"]) expect(text).toMatch(new RegExp(`^${name}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{2}\\s+\\d+\\.\\d\\s+\\d+\\.\\d`, "m"));
  }, 60_000);

  it("bad input exits 1 with one line naming the line and field", async () => {
    const cases: [string, string[], RegExp][] = [
      ["date,value\n2020-01-01,1\n2020-02-01,abc\n", ["--horizon", "3"], /line 3: field value: "abc" is not a number/],
      ["date,value\n2020-01-01,1\n2020-13-01,2\n", ["--horizon", "3"], /line 3: field date: "2020-13-01" is not a date/],
      ["day,amount\n2020-01-01,1\n", ["--horizon", "3"], /header has no "date" column/],
      ["date,value\n2020-01-01,1\n2020-02-01,2\n2020-02-15,3\n", ["--horizon", "3"], /line 4: field date: 2020-02-15 breaks the spacing/],
      [monthlyCsv(30), ["--horizon", "zero"], /--horizon must be a positive integer \(got "zero"\)/],
      ["date,value\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n", ["--horizon", "3"], /series has 3 points; horizon 3 .* needs at least/],
    ];
    for (const [i, [csv, args, message]] of cases.entries()) {
      const file = path.join(dir, `bad-${i}.csv`);
      await fs.writeFile(file, csv);
      const p = spawnForesight(["forecast", "--csv", file, ...args], {});
      expect((await p.exited).code).toBe(1);
      const lines = p.output().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^foresight: forecast: /);
      expect(lines[0]).toMatch(message);
    }
  }, 180_000);
});
