import type { PrismaClient } from "../db/generated/client";
import type { ProjectSettingsInput } from "./schemas";

export const projectSettingsSelect = {
  id: true,
  name: true,
  ipMode: true,
  cookieless: true,
  respectDnt: true,
  strictEvents: true,
  rateLimitPerSec: true,
  retentionDays: true,
  updatedAt: true,
} as const;

export function getProjectSettings(db: PrismaClient, projectId: string) {
  return db.project.findUniqueOrThrow({ where: { id: projectId }, select: projectSettingsSelect });
}

/** Saves the privacy and capture settings; returns them and what changed (field: [from, to]). */
export async function updateProjectSettings(db: PrismaClient, projectId: string, input: ProjectSettingsInput) {
  const before = await getProjectSettings(db, projectId);
  const settings = await db.project.update({ where: { id: projectId }, data: input, select: projectSettingsSelect });
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(input) as Array<keyof ProjectSettingsInput>) {
    if (before[key] !== settings[key]) changes[key] = [before[key], settings[key]];
  }
  return { settings, changes };
}
