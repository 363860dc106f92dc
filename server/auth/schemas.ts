// Input schemas shared by tRPC procedures, Remix forms and tests.
import { z } from "zod";
import { roleSchema } from "./roles";

const email = z.email("Enter a valid email address").max(254).transform((e) => e.toLowerCase());
const password = z.string().min(8, "Use at least 8 characters").max(200, "Use at most 200 characters");

export const loginInput = z.object({
  email,
  password: z.string().min(1, "Enter your password").max(200),
});

export const changePasswordInput = z.object({ currentPassword: z.string().min(1).max(200), newPassword: password });

export const createUserInput = z.object({
  email,
  name: z.string().trim().max(120).default(""),
  role: roleSchema,
  /** When omitted, a password is generated and returned once. */
  password: password.optional(),
}).strict();

export const updateUserInput = z.object({
  id: z.uuid(),
  name: z.string().trim().max(120).optional(),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
}).strict();

export const resetPasswordInput = z.object({ id: z.uuid(), password: password.optional() }).strict();

export const timezoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "Unknown time zone");

export const createProjectInput = z.object({
  name: z.string().trim().min(1, "Name the project").max(80),
  timezone: timezoneSchema.default("UTC"),
}).strict();

export const updateProjectInput = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(80).optional(),
  timezone: timezoneSchema.optional(),
}).strict();

export const createApiKeyInput = z.object({
  projectId: z.uuid().optional(),
  kind: z.enum(["write", "secret"]),
  name: z.string().trim().min(1, "Name the key").max(80),
});

export const idInput = z.object({ id: z.uuid() });
