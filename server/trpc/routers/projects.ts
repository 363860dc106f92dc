import { TRPCError } from "@trpc/server";
import { audit } from "../../auth/audit";
import { createProjectInput, idInput, updateProjectInput } from "../../auth/schemas";
import type { PrismaClient } from "../../db/generated/client";
import { createProject } from "../../projects/create-project";
import { adminProcedure, router, viewerProcedure } from "../init";

export const projectsRouter = router({
  list: viewerProcedure.query(({ ctx }) =>
    ctx.deps.db.prisma.project.findMany({ orderBy: { createdAt: "asc" } }),
  ),

  current: viewerProcedure.query(({ ctx }) => ctx.project),

  select: viewerProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    if (!(await prisma.project.findUnique({ where: { id: input.id } }))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such project" });
    }
    await prisma.session.update({ where: { id: ctx.session.id }, data: { projectId: input.id } });
    return { id: input.id };
  }),

  create: adminProcedure.input(createProjectInput).mutation(async ({ ctx, input }) => {
    await uniqueName(ctx.deps.db.prisma, input.name);
    const { project, keys } = await createProject(ctx.deps.db.prisma, { ...input, createdById: ctx.user.id });
    await audit(ctx.deps.db.prisma, {
      actorId: ctx.user.id,
      action: "project.created",
      targetType: "project",
      targetId: project.id,
      projectId: project.id,
      details: { name: project.name },
      ip: ctx.ip,
    });
    return { project, keys };
  }),

  update: adminProcedure.input(updateProjectInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const { id, ...data } = input;
    if (!(await prisma.project.findUnique({ where: { id } }))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such project" });
    }
    if (data.name !== undefined) await uniqueName(prisma, data.name, id);
    const project = await prisma.project.update({ where: { id }, data });
    await audit(prisma, { actorId: ctx.user.id, action: "project.updated", targetType: "project", targetId: id, projectId: id, details: data, ip: ctx.ip });
    return project;
  }),
});

/** Two projects with one name would be two identical entries in the project switcher. */
async function uniqueName(prisma: PrismaClient, name: string, exceptId?: string): Promise<void> {
  const clash = await prisma.project.findFirst({ where: { name: { equals: name, mode: "insensitive" }, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (clash) throw new TRPCError({ code: "CONFLICT", message: `name: a project named "${name}" already exists` });
}
