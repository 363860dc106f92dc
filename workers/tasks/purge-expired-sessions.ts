import { purgeExpiredSessions } from "../../server/auth/sessions";
import type { TaskHandler } from "../define-task";

export const purgeExpiredSessionsTask: TaskHandler<"purge_expired_sessions"> = async (payload, { deps }) => {
  const { prisma } = deps.db;
  const sessions = await purgeExpiredSessions(prisma);
  const cutoff = new Date(Date.now() - payload.jobHistoryDays * 24 * 3600 * 1000);
  const { count: jobRuns } = await prisma.jobRun.deleteMany({ where: { startedAt: { lt: cutoff } } });
  return { sessionsDeleted: sessions, jobRunsDeleted: jobRuns };
};
