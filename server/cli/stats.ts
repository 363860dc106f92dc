import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { runStats, StatsInputError } from "../experiments/stats/calculator";

/** `foresight stats --input arms.json`: the offline calculator; `--input -` reads standard input. */
export function registerStatsCommand(program: Command): void {
  program
    .command("stats")
    .description("Compute experiment statistics offline: proportions z-test, Welch t-test, sample ratio mismatch (JSON in, JSON out)")
    .requiredOption("--input <file>", "JSON array of tests, or - for standard input")
    .action(async (o: { input: string }) => {
      const fail = (message: string): never => {
        process.stderr.write(`foresight: stats: ${message}\n`);
        process.exit(1);
      };
      let text = "";
      try {
        text = o.input === "-" ? await readStdin() : await readFile(o.input, "utf8");
      } catch (err) {
        fail(`cannot read ${o.input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch (err) {
        fail(`${o.input} is not valid JSON: ${(err as Error).message}`);
      }
      try {
        process.stdout.write(JSON.stringify(runStats(input), null, 2) + "\n");
      } catch (err) {
        if (err instanceof StatsInputError) fail(`invalid input: ${err.issues.join("; ")}`);
        throw err;
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
