import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { groupOf, HOLDOUT, SCALE_M, scoreBand, type Row, type Split } from "./evaluate";

/**
 * The peer engine: R's forecast package (Hyndman), run by r/peer.R on exactly the training points
 * Foresight's engine sees, scored on the same holdout by the same code. Its intervals are the
 * package's model-based ones. On Debian 12: apt-get install --no-install-recommends r-cran-forecast.
 */
export const PEER_METHODS = ["R ets", "R arima", "R theta", "R snaive"];
const script = path.join(process.cwd(), "tests", "bench", "forecast", "r", "peer.R");

/** R's version and the forecast package's, or null when Rscript or the package is missing. */
export function peerVersion(): string | null {
  const r = spawnSync("Rscript", ["-e", 'suppressMessages(library(forecast)); cat(R.version$major, ".", R.version$minor, " forecast ", as.character(packageVersion("forecast")), sep="")'], { encoding: "utf8" });
  return r.status === 0 ? `R ${r.stdout.trim()}` : null;
}

interface PeerLine {
  id: string;
  method: string;
  step: string;
  mean: string;
  lo80: string;
  hi80: string;
  lo95: string;
  hi95: string;
  seconds: string;
}

function runChunk(input: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn("Rscript", [script, input, output], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`Rscript peer.R exited ${code}: ${err.slice(-2000)}`))));
  });
}

/**
 * Forecasts every split with the peer (in `workers` R processes) and scores it. R gets the
 * frequency's calendar period (12 / 4) and chooses seasonality itself, as its users run it.
 */
export async function evaluatePeer(splits: Split[], workers = 2): Promise<{ rows: Row[]; seconds: Record<string, number>; failed: string[] }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "foresight-peer-"));
  try {
    const ids = splits.map((_, i) => `s${i}`);
    const chunks = Array.from({ length: workers }, (_, w) => splits.map((u, i) => ({ u, i })).filter((x) => x.i % workers === w));
    await Promise.all(
      chunks.map((chunk, w) => {
        const lines = ["id,frequency,horizon,values", ...chunk.map(({ u, i }) => `${ids[i]},${SCALE_M[u.s.frequency]},${HOLDOUT[u.s.frequency]},${u.train.join(" ")}`)];
        writeFileSync(path.join(tmp, `in${w}.csv`), lines.join("\n") + "\n");
        return runChunk(path.join(tmp, `in${w}.csv`), path.join(tmp, `out${w}.csv`));
      }),
    );
    const out: PeerLine[] = chunks.flatMap((_, w) => Papa.parse<PeerLine>(readFileSync(path.join(tmp, `out${w}.csv`), "utf8"), { header: true, skipEmptyLines: true }).data);
    const rows: Row[] = [];
    const seconds: Record<string, number> = {};
    const failed: string[] = [];
    splits.forEach((u, i) => {
      for (const method of ["ets", "arima", "theta", "snaive"]) {
        const lines = out.filter((l) => l.id === ids[i] && l.method === method).sort((a, b) => Number(a.step) - Number(b.step));
        if (lines.length !== u.test.length) {
          failed.push(`${u.s.frequency} ${u.s.name} R ${method}`);
          continue;
        }
        const col = (k: keyof PeerLine) => lines.map((l) => Number(l[k]));
        seconds[`R ${method}`] = (seconds[`R ${method}`] ?? 0) + Number(lines[0]!.seconds);
        rows.push({
          freq: u.s.frequency,
          set: u.s.set,
          group: groupOf(u.s),
          series: u.s.name,
          method: `R ${method}`,
          score: scoreBand(u, { mean: col("mean"), lo80: col("lo80"), hi80: col("hi80"), lo95: col("lo95"), hi95: col("hi95") }),
        });
      }
    });
    return { rows, seconds, failed };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
