import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import Papa from "papaparse";
import { initBackend } from "../../ml/backend";
import { inferFrequency, formatDay, parseDay, step } from "../../ml/forecast/dates";
import { forecastSeries, planBacktest, SeriesTooShortError, STATISTICAL_MEMBERS, type ForecastBand, type ForecastOptions } from "../../ml/forecast/engine";
import { DEFAULT_NEURAL, neuralMember, trainGlobalModel } from "../../ml/forecast/neural";
import { detectSeasonLength, type Frequency } from "../../ml/forecast/season";
import type { Member } from "../../ml/forecast/types";
import { coverage, mase, smape } from "../../ml/metrics";

class InputError extends Error {}

interface Series {
  dates: Date[];
  values: number[];
  frequency: Frequency;
}

/** Reads `date,value` CSV; any problem names its line and field. */
export function parseSeriesCsv(text: string, file: string): Series {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: "greedy", transformHeader: (h) => h.trim().toLowerCase() });
  const fields = parsed.meta.fields ?? [];
  for (const f of ["date", "value"]) if (!fields.includes(f)) throw new InputError(`${file}: header has no "${f}" column (want date,value; got ${fields.join(",") || "nothing"})`);
  const first = parsed.errors[0];
  if (first) throw new InputError(`${file}: line ${(first.row ?? 0) + 2}: ${first.message}`);
  const dates: Date[] = [];
  const values: number[] = [];
  parsed.data.forEach((row, i) => {
    const line = i + 2;
    const d = parseDay(row.date ?? "");
    if (!d) throw new InputError(`${file}: line ${line}: field date: "${row.date ?? ""}" is not a date (YYYY-MM-DD)`);
    const raw = (row.value ?? "").trim();
    const v = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(v)) throw new InputError(`${file}: line ${line}: field value: "${row.value ?? ""}" is not a number`);
    if (dates.length && d.getTime() <= dates.at(-1)!.getTime()) throw new InputError(`${file}: line ${line}: field date: ${formatDay(d)} is not after ${formatDay(dates.at(-1)!)}`);
    dates.push(d);
    values.push(v);
  });
  if (values.length < 2) throw new InputError(`${file}: needs at least 2 rows, got ${values.length}`);
  const f = inferFrequency(dates);
  if ("breaksAt" in f) throw new InputError(`${file}: line ${f.breaksAt + 2}: field date: ${formatDay(dates[f.breaksAt]!)} breaks the spacing (want evenly spaced daily, weekly, monthly or quarterly dates)`);
  return { dates, values, frequency: f.frequency };
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name} must be a positive integer (got "${v}")`);
  return n;
}

/** The engine's members for one series: the statistical ones, plus a global MLP trained on it when asked. */
async function members(values: number[], horizon: number, m: number, neural: boolean): Promise<Member[]> {
  if (!neural) return STATISTICAL_MEMBERS;
  await initBackend();
  const config = { ...DEFAULT_NEURAL, horizon, windowLength: Math.max(2 * m, horizon) };
  const cut = planBacktest(values.length, horizon, m).firstOrigin;
  const before = await trainGlobalModel([values.slice(0, cut)], config).catch(() => null);
  if (!before) return STATISTICAL_MEMBERS;
  return [...STATISTICAL_MEMBERS, neuralMember(before, await trainGlobalModel([values], config))];
}

async function load(o: { csv: string; horizon: string; seasonLength?: string }) {
  const horizon = positiveInt("horizon", o.horizon)!;
  const seasonLength = positiveInt("season-length", o.seasonLength);
  let text: string;
  try {
    text = await readFile(o.csv, "utf8");
  } catch (err) {
    throw new InputError(`cannot read ${o.csv}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { series: parseSeriesCsv(text, o.csv), horizon, seasonLength };
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(10))) : "");

export function registerForecastCommands(program: Command): void {
  const run = (name: string, fn: () => Promise<void>) =>
    fn().catch((err: unknown) => {
      if (!(err instanceof InputError || err instanceof SeriesTooShortError)) throw err;
      process.stderr.write(`foresight: ${name}: ${(err as Error).message}\n`);
      process.exit(1);
    });

  program
    .command("forecast")
    .description("Forecast a date,value CSV: writes date,mean,lo80,hi80,lo95,hi95 (combination of seasonal naive, ETS, Theta; conformal intervals)")
    .requiredOption("--csv <file>", "input CSV with a header date,value (daily, weekly, monthly or quarterly dates)")
    .requiredOption("--horizon <H>", "number of future periods")
    .option("--season-length <M>", "season length (detected from the autocorrelations when omitted)")
    .option("--out <file>", "output CSV (default: standard output)")
    .option("--neural", "also train the small neural member on this series (slower)")
    .action((o: { csv: string; horizon: string; seasonLength?: string; out?: string; neural?: boolean }) =>
      run("forecast", async () => {
        const { series, horizon, seasonLength } = await load(o);
        const m = seasonLength ?? detectSeasonLength(series.values, series.frequency);
        const options: ForecastOptions = { horizon, seasonLength: m, frequency: series.frequency, members: await members(series.values, horizon, m, !!o.neural) };
        if (seasonLength === undefined) delete options.seasonLength;
        const r = forecastSeries(series.values, options);
        const last = series.dates.at(-1)!;
        const lines = ["date,mean,lo80,hi80,lo95,hi95"];
        for (let h = 0; h < horizon; h++) {
          lines.push([formatDay(step(last, series.frequency, h + 1)), r.mean[h]!, r.lo80[h]!, r.hi80[h]!, r.lo95[h]!, r.hi95[h]!].map((v) => (typeof v === "string" ? v : fmt(v))).join(","));
        }
        const out = lines.join("\n") + "\n";
        if (o.out) await writeFile(o.out, out);
        else process.stdout.write(out);
        process.stderr.write(
          `foresight: forecast: ${series.frequency}, season length ${r.seasonLength}, weights ${r.members.map((mb) => `${mb.name} ${mb.weight.toFixed(2)}`).join(", ")}\n`,
        );
      }),
    );

  program
    .command("backtest")
    .description("Hold out the last H points, forecast them with the engine, print MASE, sMAPE and 80/95% coverage per member and for the combination")
    .requiredOption("--csv <file>", "input CSV with a header date,value")
    .requiredOption("--horizon <H>", "points held out and forecast")
    .option("--season-length <M>", "season length (detected when omitted)")
    .option("--neural", "include the neural member")
    .action((o: { csv: string; horizon: string; seasonLength?: string; neural?: boolean }) =>
      run("backtest", async () => {
        const { series, horizon, seasonLength } = await load(o);
        const train = series.values.slice(0, -horizon);
        const test = series.values.slice(-horizon);
        if (train.length < 2) throw new InputError(`${o.csv}: ${series.values.length} rows cannot hold out ${horizon}`);
        const m = seasonLength ?? detectSeasonLength(train, series.frequency);
        const r = forecastSeries(train, { horizon, seasonLength: m, members: await members(train, horizon, m, !!o.neural) });
        const scaleM = r.seasonLength;
        const row = (name: string, b: ForecastBand, weight: string) =>
          [name.padEnd(12), mase(test, b.mean, train, scaleM).toFixed(3).padStart(7), smape(test, b.mean).toFixed(2).padStart(8), (100 * coverage(test, b.lo80, b.hi80)).toFixed(1).padStart(7), (100 * coverage(test, b.lo95, b.hi95)).toFixed(1).padStart(7), weight.padStart(7)].join(" ");
        const out = [
          `held out ${horizon} of ${series.values.length} ${series.frequency} points; season length ${r.seasonLength}; ${r.backtest.origins} backtest origins`,
          ["method".padEnd(12), "MASE".padStart(7), "sMAPE%".padStart(8), "cov80%".padStart(7), "cov95%".padStart(7), "weight".padStart(7)].join(" "),
          ...r.members.map((mb) => row(mb.name, mb, mb.weight.toFixed(2))),
          row("combination", r, "-"),
        ];
        process.stdout.write(out.join("\n") + "\n");
      }),
    );
}
