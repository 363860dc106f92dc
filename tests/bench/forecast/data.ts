import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";

/**
 * Real monthly series from the vega-datasets npm package, and quarterly series made from them
 * (vega-datasets ships no quarterly file): a quarter is the mean of its three months for levels
 * (CO2 ppm, employment, prices) and the sum for flows (unemployed counts). Only complete
 * quarters are kept.
 */
export interface BenchSeries {
  name: string;
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
  const monthly = loadMonthly();
  return [
    ...monthly.map((s) => ({ name: s.name, frequency: "monthly" as const, values: s.values })),
    ...monthly.map((s) => ({ name: s.name, frequency: "quarterly" as const, values: toQuarterly(s) })),
  ];
}
