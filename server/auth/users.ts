import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { PrismaClient } from "../db/generated/client";
import { generatePassword, hashPassword } from "./password";
import type { createUserInput, updateUserInput } from "./schemas";

export const publicUserFields = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  lastLoginAt: true,
  createdAt: true,
} as const;

export async function createUser(db: PrismaClient, input: z.output<typeof createUserInput>) {
  const password = input.password ?? generatePassword();
  if (await db.user.findUnique({ where: { email: input.email } })) {
    throw new TRPCError({ code: "CONFLICT", message: `A user with email ${input.email} already exists` });
  }
  const user = await db.user.create({
    data: { email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(password) },
    select: publicUserFields,
  });
  return { user, generatedPassword: input.password ? null : password };
}

/** Changes name, role or disabled state, refusing anything that would leave no active admin. */
export async function updateUser(db: PrismaClient, actorId: string, input: z.output<typeof updateUserInput>) {
  const target = await db.user.findUnique({ where: { id: input.id } });
  if (!target) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
  if (input.disabled && input.id === actorId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot disable your own account" });
  }
  const losesAdmin =
    target.role === "admin" && !target.disabledAt && ((input.role && input.role !== "admin") || input.disabled);
  if (losesAdmin) {
    const admins = await db.user.count({ where: { role: "admin", disabledAt: null } });
    if (admins <= 1) throw new TRPCError({ code: "BAD_REQUEST", message: "Foresight needs at least one active admin" });
  }
  const user = await db.user.update({
    where: { id: input.id },
    data: {
      name: input.name,
      role: input.role,
      disabledAt: input.disabled === undefined ? undefined : input.disabled ? new Date() : null,
    },
    select: publicUserFields,
  });
  if (input.disabled) await db.session.deleteMany({ where: { userId: input.id } });
  return user;
}
