import type { PrismaClient } from "../db/generated/client";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  projectId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export async function audit(db: PrismaClient, e: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorId: e.actorId,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId ?? null,
      projectId: e.projectId ?? null,
      details: (e.details ?? {}) as object,
      ip: e.ip ?? null,
    },
  });
}
