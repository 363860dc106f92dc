import type { Prisma } from "../db/generated/client";
import type { Deps } from "../deps";
import { QueryInputError } from "../query/errors";
import { REPORT_BUILDERS } from "./kinds";
import { ReportInputError } from "./errors";
import type { ReportDocument } from "./document";
import { emailText } from "./email-text";
import { renderReport } from "./render";
import { reportFormat, reportKind, reportParams, type EmailStatus } from "./schema";

/** A run left "running" this long was interrupted (its worker stopped); the next pass marks it failed. */
export const STALE_RUN_MS = 30 * 60_000;

export interface RunOutcome {
  runId: string;
  status: "completed" | "failed";
  error?: string;
}

/**
 * Builds the report's document for `runAt` (the cron slot, or the moment of a manual run). Days,
 * weeks and buckets are read in the report's time zone (the project's unless the report says otherwise).
 */
export async function buildDocument(
  deps: Pick<Deps, "db">,
  report: { projectId: string; name: string; kind: string; params: unknown; timezone: string },
  runAt: Date,
): Promise<ReportDocument> {
  const { prisma, pool } = deps.db;
  const project = await prisma.project.findUnique({ where: { id: report.projectId }, select: { id: true, name: true, timezone: true, testAccountFilters: true } });
  if (!project) throw new ReportInputError("the report's project no longer exists");
  const kind = reportKind.parse(report.kind);
  return REPORT_BUILDERS[kind]({
    pool,
    project: { ...project, timezone: report.timezone || project.timezone },
    runAt,
    reportName: report.name,
    params: reportParams.parse(report.params ?? {}),
    loadInsight: (id) => prisma.savedInsight.findFirst({ where: { id, projectId: report.projectId }, select: { id: true, name: true, query: true } }),
  });
}

/**
 * Executes one pending run: claims it (pending -> running, so two workers never both run it),
 * builds the document, renders every format, stores the files and queues the email. A failure
 * is recorded on the run (status failed, error) rather than thrown: the history shows it.
 */
export async function executeRun(deps: Pick<Deps, "db" | "logger">, runId: string, now = new Date()): Promise<RunOutcome | null> {
  const { prisma, pool } = deps.db;
  const claimed = await pool.query(`update report_runs set status = 'running', started_at = $2 where id = $1 and status = 'pending'`, [runId, now]);
  if (claimed.rowCount !== 1) return null;
  const run = await prisma.reportRun.findUniqueOrThrow({ where: { id: runId }, include: { report: true } });
  const report = run.report;
  try {
    const doc = await buildDocument(deps, report, run.scheduledFor ?? run.createdAt);
    const files = await renderReport(doc, report.formats.map((f) => reportFormat.parse(f)));
    const emailStatus: EmailStatus = report.recipients.length
      ? { status: "pending", attempts: 0, recipients: report.recipients, nextAttemptAt: now.toISOString(), ...emailText(doc) }
      : { status: "skipped" };
    await prisma.$transaction([
      prisma.reportFile.createMany({
        data: files.map((f) => ({ runId, format: f.format, filename: f.filename, contentType: f.contentType, bytes: new Uint8Array(f.bytes), size: f.bytes.length })),
      }),
      prisma.reportRun.update({
        where: { id: runId },
        data: { status: "completed", finishedAt: new Date(), error: null, emailStatus: emailStatus as Prisma.InputJsonValue },
      }),
    ]);
    return { runId, status: "completed" };
  } catch (err) {
    const expected = err instanceof ReportInputError || err instanceof QueryInputError;
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    if (!expected) deps.logger.error({ err, runId, reportId: report.id }, "report run failed");
    await prisma.reportRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error: message } });
    return { runId, status: "failed", error: message };
  }
}

/** Runs stuck in "running" (their worker died) are marked failed so the history tells the truth. */
export async function failStaleRuns(pool: Deps["db"]["pool"], now: Date): Promise<number> {
  const { rowCount } = await pool.query(
    `update report_runs set status = 'failed', finished_at = $1, error = 'interrupted: the worker stopped while running this report'
      where status = 'running' and started_at < $2`,
    [now, new Date(now.getTime() - STALE_RUN_MS)],
  );
  return rowCount ?? 0;
}
