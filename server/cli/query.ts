import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { ZodError } from "zod";
import { describeZodError } from "../validation/zod-message";
import { resultCsv, resultJson } from "../../app/lib/export";
import type { Config } from "../config";
import { connectDatabase } from "../db/client";
import { openDatabase } from "../db/open-database";
import { createLogger } from "../logger";
import { QueryInputError } from "../query/errors";
import { runInsight } from "../query/run";
import { insightQuery, type InsightQuery } from "../query/schema";

/** A problem with what the user gave: printed as one line naming the field, exit 1. */
class InputProblem extends Error {}

async function readQuery(file: string): Promise<InsightQuery> {
  let text: string;
  try {
    text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (err) {
    throw new InputProblem(`--file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputProblem(`--file: ${file} is not JSON (${(err as Error).message})`);
  }
  const parsed = insightQuery.safeParse(raw);
  if (!parsed.success) throw new InputProblem(describeZodError(parsed.error, "query"));
  return parsed.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Errors a bad query causes at run time, as the API's 400s say them. */
function inputProblemOf(err: unknown): string | null {
  if (err instanceof InputProblem) return err.message;
  if (err instanceof QueryInputError) return err.message;
  if (err instanceof ZodError) return describeZodError(err, "query");
  if ((err as { code?: unknown } | null)?.code === "2201B") return `filters: invalid regular expression (${(err as Error).message})`;
  return null;
}

export function registerQueryCommand(program: Command, config: () => Config): void {
  program
    .command("query")
    .description("Run an insight query (JSON, the same schema as the API; see docs/queries.md) and print the result")
    .requiredOption("-f, --file <path>", "the query as JSON (- reads standard input)")
    .option("--format <format>", "json (the whole answer with its meta) or csv (the result table)", "json")
    .option("--project <slug>", "project to query (default: the first project)")
    .action(async (o: { file: string; format: string; project?: string }) => {
      if (o.format !== "json" && o.format !== "csv") {
        process.stderr.write(`foresight: --format: use json or csv (got "${o.format}")\n`);
        process.exit(1);
      }
      let query: InsightQuery;
      try {
        query = await readQuery(o.file);
      } catch (err) {
        process.stderr.write(`foresight: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const cfg = config();
      const logger = createLogger(cfg.LOG_LEVEL === "info" ? "warn" : cfg.LOG_LEVEL);
      const opened = await openDatabase(cfg, logger);
      const db = connectDatabase(opened.url, { max: 2, applicationName: "foresight-query" });
      let code = 0;
      try {
        const project = o.project
          ? await db.prisma.project.findUnique({ where: { slug: o.project } })
          : await db.prisma.project.findFirst({ orderBy: { createdAt: "asc" } });
        if (!project) throw new InputProblem(o.project ? `--project: no project with slug "${o.project}"` : "no project exists yet");
        const answer = await runInsight(db.pool, project, query, { useCache: false });
        process.stdout.write(o.format === "csv" ? resultCsv(answer.kind, answer.result) + "\n" : resultJson(answer));
      } catch (err) {
        process.stderr.write(`foresight: ${inputProblemOf(err) ?? (err as Error).message}\n`);
        code = 1;
      } finally {
        await db.close();
        await opened.stop();
      }
      process.exit(code);
    });
}
