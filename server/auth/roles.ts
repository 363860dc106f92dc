import { z } from "zod";

export const roleSchema = z.enum(["viewer", "analyst", "admin"]);
export type Role = z.infer<typeof roleSchema>;

const rank: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

/** True when `role` may do what `required` may do (admin > analyst > viewer). */
export function hasRole(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}
