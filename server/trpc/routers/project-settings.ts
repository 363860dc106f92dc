import { audit } from "../../auth/audit";
import { getProjectSettings, updateProjectSettings } from "../../privacy/project-settings";
import { projectSettingsInput } from "../../privacy/schemas";
import { adminProcedure, router, viewerProcedure } from "../init";

/** Privacy and capture settings of the current project. */
export const projectSettingsRouter = router({
  get: viewerProcedure.query(({ ctx }) => getProjectSettings(ctx.deps.db.prisma, ctx.project.id)),

  update: adminProcedure.input(projectSettingsInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const { settings, changes } = await updateProjectSettings(prisma, ctx.project.id, input);
    ctx.deps.onProjectSettingsChanged?.();
    if (Object.keys(changes).length) {
      await audit(prisma, {
        actorId: ctx.user.id,
        action: "project.settings_updated",
        targetType: "project",
        targetId: ctx.project.id,
        projectId: ctx.project.id,
        details: { changes },
        ip: ctx.ip,
      });
    }
    return settings;
  }),
});
