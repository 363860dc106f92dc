import { checkHealth } from "../../monitoring/health";
import { publicProcedure, router, viewerProcedure } from "../init";

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => checkHealth(ctx.deps)),

  overview: viewerProcedure.query(async ({ ctx }) => {
    const { prisma } = ctx.deps.db;
    const [users, projects, activeKeys] = await Promise.all([
      prisma.user.count({ where: { disabledAt: null } }),
      prisma.project.count(),
      prisma.apiKey.count({ where: { projectId: ctx.project.id, revokedAt: null } }),
    ]);
    return { users, projects, activeKeys, project: ctx.project };
  }),
});
