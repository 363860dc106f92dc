import { TRPCError } from "@trpc/server";
import { audit } from "../../auth/audit";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../../auth/password";
import { changePasswordInput, loginInput } from "../../auth/schemas";
import { createSession, deleteSession } from "../../auth/sessions";
import { publicProcedure, router, viewerProcedure } from "../init";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.session?.user ?? null),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const limiter = ctx.deps.loginLimiter;
    const keys = [`ip:${ctx.ip ?? "unknown"}`, `email:${input.email}`];
    const wait = Math.max(...keys.map((k) => limiter.retryAfter(k)));
    if (wait > 0) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `Too many failed logins; try again in ${Math.ceil(wait / 60)} minute(s)`,
      });
    }
    const user = await prisma.user.findUnique({ where: { email: input.email } });
    // Always run scrypt, so response time does not tell whether the email exists.
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok || user.disabledAt) {
      keys.forEach((k) => limiter.fail(k));
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong email or password" });
    }
    keys.forEach((k) => limiter.reset(k));
    await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    const session = await createSession(prisma, user.id, { ip: ctx.ip, userAgent: ctx.userAgent });
    return { ...session, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  }),

  logout: viewerProcedure.mutation(async ({ ctx }) => {
    await deleteSession(ctx.deps.db.prisma, ctx.session.id);
    return { ok: true };
  }),

  changePassword: viewerProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.deps.db;
    const user = await prisma.user.findUniqueOrThrow({ where: { id: ctx.user.id } });
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The current password is wrong" });
    }
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.newPassword) } });
    // Other sessions of this user end; this one stays.
    await prisma.session.deleteMany({ where: { userId: user.id, id: { not: ctx.session.id } } });
    await audit(prisma, { actorId: user.id, action: "user.password_changed", targetType: "user", targetId: user.id, ip: ctx.ip });
    return { ok: true };
  }),
});
