import { TRPCError } from "@trpc/server";
import { audit } from "../../auth/audit";
import { generatePassword, hashPassword } from "../../auth/password";
import { createUserInput, resetPasswordInput, updateUserInput } from "../../auth/schemas";
import { createUser, publicUserFields, updateUser } from "../../auth/users";
import { adminProcedure, router } from "../init";

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) =>
    ctx.deps.db.prisma.user.findMany({ select: publicUserFields, orderBy: { createdAt: "asc" } }),
  ),

  create: adminProcedure.input(createUserInput).mutation(async ({ ctx, input }) => {
    const result = await createUser(ctx.deps.db.prisma, input);
    await audit(ctx.deps.db.prisma, {
      actorId: ctx.user.id,
      action: "user.created",
      targetType: "user",
      targetId: result.user.id,
      details: { email: input.email, role: input.role },
      ip: ctx.ip,
    });
    return result;
  }),

  update: adminProcedure.input(updateUserInput).mutation(async ({ ctx, input }) => {
    const user = await updateUser(ctx.deps.db.prisma, ctx.user.id, input);
    const { id, ...changes } = input;
    await audit(ctx.deps.db.prisma, {
      actorId: ctx.user.id,
      action: "user.updated",
      targetType: "user",
      targetId: id,
      details: changes,
      ip: ctx.ip,
    });
    return user;
  }),

  resetPassword: adminProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const password = input.password ?? generatePassword();
    const found = await prisma.user.findUnique({ where: { id: input.id } });
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
    await prisma.user.update({ where: { id: input.id }, data: { passwordHash: await hashPassword(password) } });
    await prisma.session.deleteMany({ where: { userId: input.id } });
    await audit(prisma, { actorId: ctx.user.id, action: "user.password_reset", targetType: "user", targetId: input.id, ip: ctx.ip });
    return { generatedPassword: input.password ? null : password };
  }),
});
