import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../../auth/audit";
import { enqueue } from "../../jobs/queue";
import { previewRuns } from "../../reports/cron";
import { createManualRun, createReport, deleteReport, getFile, getReport, listReports, listRuns, updateReport } from "../../reports/definitions";
import { ReportInputError } from "../../reports/errors";
import { reportInput } from "../../reports/schema";
import { analystProcedure, router, viewerProcedure } from "../init";

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such report" });
const badInput = (err: unknown): never => {
  if (err instanceof ReportInputError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
  throw err;
};
const idInput = z.object({ id: z.uuid() });

/** Scheduled reports of the current project: definitions, runs (cron or manual) and their files. */
export const reportsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listReports(ctx.deps.db.prisma, ctx.project.id)),

  get: viewerProcedure.input(idInput).query(async ({ ctx, input }) => {
    const report = await getReport(ctx.deps.db.prisma, ctx.project.id, input.id);
    if (!report) throw notFound();
    return { ...report, upcoming: previewRuns(report.cron, report.timezone, new Date()).runs };
  }),

  create: analystProcedure.input(reportInput).mutation(async ({ ctx, input }) => {
    const report = await createReport(ctx.deps.db.prisma, ctx.project, input, { userId: ctx.user.id }).catch(badInput);
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "report.created", targetType: "scheduled_report", targetId: report.id, details: { name: report.name, kind: report.kind }, ip: ctx.ip });
    return report;
  }),

  update: analystProcedure.input(z.object({ id: z.uuid(), report: reportInput })).mutation(async ({ ctx, input }) => {
    const report = await updateReport(ctx.deps.db.prisma, ctx.project, input.id, input.report).catch(badInput);
    if (!report) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "report.updated", targetType: "scheduled_report", targetId: report.id, details: { name: report.name }, ip: ctx.ip });
    return report;
  }),

  delete: analystProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    if (!(await deleteReport(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "report.deleted", targetType: "scheduled_report", targetId: input.id, details: {}, ip: ctx.ip });
    return { ok: true };
  }),

  /** On-demand generation: a pending manual run, executed (and emailed) by the run_reports job. */
  runNow: analystProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const report = await getReport(ctx.deps.db.prisma, ctx.project.id, input.id);
    if (!report) throw notFound();
    const run = await createManualRun(ctx.deps.db.prisma, report.id);
    await enqueue(ctx.deps.db.pool, "run_reports", { reportId: report.id });
    return { runId: run.id };
  }),

  runs: viewerProcedure.input(z.object({ id: z.uuid(), limit: z.number().int().min(1).max(200).default(50) })).query(async ({ ctx, input }) => {
    if (!(await getReport(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound();
    return listRuns(ctx.deps.db.prisma, input.id, input.limit);
  }),

  /** The next runs of a schedule, for the form's preview (a wrong expression comes back as `error`). */
  preview: viewerProcedure
    .input(z.object({ cron: z.string().max(200), timezone: z.string().max(100).optional(), count: z.number().int().min(1).max(10).default(3) }))
    .query(({ ctx, input }) => previewRuns(input.cron, input.timezone ?? ctx.project.timezone, new Date(), input.count)),

  /** One stored file with its bytes (the download route streams it). */
  file: viewerProcedure.input(idInput).query(async ({ ctx, input }) => {
    const file = await getFile(ctx.deps.db.prisma, ctx.project.id, input.id);
    if (!file) throw new TRPCError({ code: "NOT_FOUND", message: "No such report file" });
    return { filename: file.filename, contentType: file.contentType, size: file.size, bytes: Buffer.from(file.bytes) };
  }),
});
