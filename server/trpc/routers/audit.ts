import { z } from "zod";
import { adminProcedure, router } from "../init";

/** An audit entry id (a bigint) to list the entries before. */
const auditCursor = z
  .string()
  .regex(/^\d{1,19}$/, "expected an audit entry id (digits)")
  .refine((v) => BigInt(v) <= 9223372036854775807n, "is larger than any audit entry id");

export const auditRouter = router({
  list: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100), before: auditCursor.optional() }).optional())
    .query(async ({ ctx, input }) => {
      const rows = await ctx.deps.db.prisma.auditLog.findMany({
        where: input?.before ? { id: { lt: BigInt(input.before) } } : {},
        orderBy: { id: "desc" },
        take: input?.limit ?? 100,
        include: { actor: { select: { email: true } } },
      });
      return rows.map((r) => ({ ...r, id: String(r.id), actorEmail: r.actor?.email ?? null, actor: undefined }));
    }),
});
