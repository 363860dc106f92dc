import type { PrismaClient } from "../db/generated/client";
import type { Role } from "./roles";
import { randomToken, sha256 } from "./tokens";

export const SESSION_COOKIE = "fs_session";
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
const TOUCH_EVERY_MS = 3600 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface ResolvedSession {
  id: string;
  user: SessionUser;
  projectId: string | null;
  expiresAt: Date;
}

export async function createSession(
  db: PrismaClient,
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null; projectId?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({
    data: {
      id: sha256(token),
      userId,
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      projectId: meta.projectId ?? null,
    },
  });
  return { token, expiresAt };
}

/** Looks a cookie token up; expired sessions and disabled users resolve to null. */
export async function resolveSession(db: PrismaClient, token: string | undefined): Promise<ResolvedSession | null> {
  if (!token || token.length > 200) return null;
  const id = sha256(token);
  const row = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!row || row.expiresAt.getTime() <= Date.now() || row.user.disabledAt) return null;
  if (Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await db.session.update({ where: { id }, data: { lastSeenAt: new Date(), expiresAt } });
    row.expiresAt = expiresAt;
  }
  const { user } = row;
  return {
    id,
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    projectId: row.projectId,
    expiresAt: row.expiresAt,
  };
}

export async function deleteSession(db: PrismaClient, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}

export async function purgeExpiredSessions(db: PrismaClient, now = new Date()): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
