import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../../auth/audit";
import { describeZodError } from "../../validation/zod-message";
import { taskCatalog, taskNameSchema } from "../../jobs/catalog";
import { enqueue, failuresByTask, queueDepth, recentJobRuns } from "../../jobs/queue";
import { adminProcedure, router, viewerProcedure } from "../init";

export const jobsRouter = router({
  overview: viewerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(50), status: z.enum(["running", "completed", "failed"]).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const { pool, prisma } = ctx.deps.db;
      const [depth, runs, last24h] = await Promise.all([
        queueDepth(pool),
        recentJobRuns(prisma, { limit: input?.limit ?? 50, status: input?.status }),
        failuresByTask(prisma),
      ]);
      const tasks = Object.entries(taskCatalog).map(([name, t]) => ({ name, description: t.description, manual: t.manual }));
      return { depth, runs, last24h, tasks };
    }),

  runNow: adminProcedure
    .input(z.object({ task: taskNameSchema, payload: z.record(z.string(), z.unknown()).default({}) }))
    .mutation(async ({ ctx, input }) => {
      // The task's own payload schema: a mismatch is the caller's, 400 naming the field.
      const payload = taskCatalog[input.task].payload.safeParse(input.payload);
      if (!payload.success) throw new TRPCError({ code: "BAD_REQUEST", message: describeZodError(payload.error, "payload", "payload") });
      const job = await enqueue(ctx.deps.db.pool, input.task, payload.data);
      await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "job.enqueued", targetType: "job", targetId: job.id, details: { task: input.task }, ip: ctx.ip });
      return job;
    }),
});
