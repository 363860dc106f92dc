import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../../auth/audit";
import { storeApiKey } from "../../auth/api-keys";
import { createApiKeyInput, idInput } from "../../auth/schemas";
import { adminProcedure, router } from "../init";

const keyFields = {
  id: true,
  projectId: true,
  kind: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export const apiKeysRouter = router({
  list: adminProcedure
    .input(z.object({ projectId: z.uuid().optional() }).optional())
    .query(({ ctx, input }) =>
      ctx.deps.db.prisma.apiKey.findMany({
        where: { projectId: input?.projectId ?? ctx.project.id },
        select: keyFields,
        orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "asc" }],
      }),
    ),

  create: adminProcedure.input(createApiKeyInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const projectId = input.projectId ?? ctx.project.id;
    if (!(await prisma.project.findUnique({ where: { id: projectId } }))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such project" });
    }
    const { key, row } = await storeApiKey(prisma, { projectId, kind: input.kind, name: input.name, createdById: ctx.user.id });
    await audit(prisma, {
      actorId: ctx.user.id,
      action: "api_key.created",
      targetType: "api_key",
      targetId: row.id,
      projectId,
      details: { kind: input.kind, name: input.name, prefix: row.prefix },
      ip: ctx.ip,
    });
    return { key, id: row.id, prefix: row.prefix, kind: row.kind, name: row.name };
  }),

  revoke: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const row = await prisma.apiKey.findUnique({ where: { id: input.id } });
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such API key" });
    if (row.revokedAt) return { id: row.id, revokedAt: row.revokedAt };
    const updated = await prisma.apiKey.update({ where: { id: input.id }, data: { revokedAt: new Date() } });
    await audit(prisma, {
      actorId: ctx.user.id,
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: row.id,
      projectId: row.projectId,
      details: { prefix: row.prefix },
      ip: ctx.ip,
    });
    return { id: updated.id, revokedAt: updated.revokedAt };
  }),
});
