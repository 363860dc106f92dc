import type { Prisma, PrismaClient } from "../db/generated/client";
import { nextRunAt } from "./cron";
import { ReportInputError } from "./errors";
import type { ReportInput } from "./schema";

/** CRUD of scheduled report definitions; every read and write is scoped to one project. */

async function checkInsight(prisma: PrismaClient, projectId: string, input: ReportInput) {
  if (input.kind !== "insight") return;
  const found = await prisma.savedInsight.findFirst({ where: { id: input.params.insightId!, projectId }, select: { id: true } });
  if (!found) throw new ReportInputError("params.insightId: no such saved insight in this project");
}

function data(input: ReportInput, timezone: string, now: Date) {
  const params: Prisma.InputJsonValue = input.kind === "insight" ? { insightId: input.params.insightId! } : {};
  return {
    name: input.name,
    kind: input.kind,
    params,
    cron: input.cron,
    timezone,
    formats: input.formats,
    recipients: [...new Set(input.recipients.map((r) => r.toLowerCase()))],
    delivery: input.delivery,
    enabled: input.enabled,
    nextRunAt: input.enabled ? nextRunAt(input.cron, timezone, now) : null,
  };
}

export async function createReport(prisma: PrismaClient, project: { id: string; timezone: string }, input: ReportInput, opts: { userId: string | null; now?: Date }) {
  await checkInsight(prisma, project.id, input);
  return prisma.scheduledReport.create({
    data: { projectId: project.id, createdById: opts.userId, ...data(input, input.timezone ?? project.timezone, opts.now ?? new Date()) },
  });
}

/** Replaces the definition; the next run is recomputed from now (a changed schedule takes effect at once). */
export async function updateReport(prisma: PrismaClient, project: { id: string; timezone: string }, id: string, input: ReportInput, now = new Date()) {
  const existing = await prisma.scheduledReport.findFirst({ where: { id, projectId: project.id }, select: { id: true } });
  if (!existing) return null;
  await checkInsight(prisma, project.id, input);
  return prisma.scheduledReport.update({ where: { id }, data: data(input, input.timezone ?? project.timezone, now) });
}

export async function deleteReport(prisma: PrismaClient, projectId: string, id: string): Promise<boolean> {
  const { count } = await prisma.scheduledReport.deleteMany({ where: { id, projectId } });
  return count > 0;
}

export function getReport(prisma: PrismaClient, projectId: string, id: string) {
  return prisma.scheduledReport.findFirst({ where: { id, projectId } });
}

/** The project's reports with their newest run. */
export async function listReports(prisma: PrismaClient, projectId: string) {
  const reports = await prisma.scheduledReport.findMany({
    where: { projectId },
    orderBy: { createdAt: "asc" },
    include: { runs: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, trigger: true, createdAt: true, finishedAt: true, error: true, emailStatus: true } } },
  });
  return reports.map(({ runs, ...r }) => ({ ...r, lastRun: runs[0] ?? null }));
}

/** A report's runs, newest first, with their files (without the bytes). */
export function listRuns(prisma: PrismaClient, reportId: string, limit = 50) {
  return prisma.reportRun.findMany({
    where: { reportId },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { files: { select: { id: true, format: true, filename: true, contentType: true, size: true }, orderBy: { format: "asc" } } },
  });
}

/** One stored file, only when its report belongs to the project. */
export function getFile(prisma: PrismaClient, projectId: string, fileId: string) {
  return prisma.reportFile.findFirst({ where: { id: fileId, run: { report: { projectId } } } });
}

/** A pending manual run; the run_reports job executes it. */
export function createManualRun(prisma: PrismaClient, reportId: string) {
  return prisma.reportRun.create({ data: { reportId, trigger: "manual", status: "pending" } });
}
