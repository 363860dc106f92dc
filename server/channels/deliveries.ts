import type { Prisma } from "../db/generated/client";
import type { Deps } from "../deps";
import { channelConfig, notification, type Notification } from "./schema";
import { send } from "./send";

export const MAX_ATTEMPTS = 6;
export const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 3600_000;
/** A claimed delivery is left alone this long by other runs (a crashed sender's claim expires). */
const LEASE_MS = 5 * 60_000;

/** Wait after the n-th failed attempt: 30 s, 1 min, 2 min ... capped at an hour. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_CAP_MS);
}

/** Queues one delivery per enabled channel; the deliver_notifications job sends them. */
export async function queueDeliveries(
  prisma: Deps["db"]["prisma"],
  opts: { channelIds: string[]; alertEventId?: string | null; purpose: Notification["type"]; notification: Notification; now?: Date },
): Promise<string[]> {
  if (!opts.channelIds.length) return [];
  const channels = await prisma.notificationChannel.findMany({ where: { id: { in: opts.channelIds }, enabled: true }, select: { id: true } });
  const ids: string[] = [];
  for (const c of channels) {
    const row = await prisma.delivery.create({
      data: {
        channelId: c.id,
        alertEventId: opts.alertEventId ?? null,
        purpose: opts.purpose,
        payload: opts.notification as unknown as Prisma.InputJsonValue,
        nextAttemptAt: opts.now ?? new Date(),
      },
    });
    ids.push(row.id);
  }
  return ids;
}

export interface DeliveryPass {
  sent: number;
  retrying: number;
  failed: number;
  /** When the earliest pending delivery is due next (to schedule the next run), or null. */
  nextDueAt: Date | null;
}

/** Sends the deliveries due at `now`: success marks them sent; failure retries with backoff, then gives up. */
export async function deliverDue(deps: Pick<Deps, "db" | "config" | "logger">, opts: { now?: Date; limit?: number } = {}): Promise<DeliveryPass> {
  const now = opts.now ?? new Date();
  const { pool, prisma } = deps.db;
  const { rows } = await pool.query<{ id: string }>(
    `update deliveries set next_attempt_at = $2
      where id in (select id from deliveries
                    where status = 'pending' and (next_attempt_at is null or next_attempt_at <= $1)
                    order by created_at limit $3 for update skip locked)
      returning id`,
    [now, new Date(now.getTime() + LEASE_MS), opts.limit ?? 100],
  );
  const pass: DeliveryPass = { sent: 0, retrying: 0, failed: 0, nextDueAt: null };
  for (const { id } of rows) {
    const d = await prisma.delivery.findUnique({ where: { id }, include: { channel: true } });
    if (!d) continue;
    const attempts = d.attempts + 1;
    try {
      await send(channelConfig.parse(d.channel.config), notification.parse(d.payload), { config: deps.config, now });
      await prisma.delivery.update({ where: { id }, data: { status: "sent", attempts, sentAt: now, lastError: null, nextAttemptAt: null } });
      pass.sent++;
    } catch (err) {
      const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      const giveUp = attempts >= MAX_ATTEMPTS;
      await prisma.delivery.update({
        where: { id },
        data: { attempts, lastError, status: giveUp ? "failed" : "pending", nextAttemptAt: giveUp ? null : new Date(now.getTime() + backoffMs(attempts)) },
      });
      deps.logger.warn({ deliveryId: id, channel: d.channel.kind, attempts, err: lastError }, giveUp ? "delivery failed for good" : "delivery failed; will retry");
      if (giveUp) pass.failed++;
      else pass.retrying++;
    }
  }
  const next = await prisma.delivery.findFirst({ where: { status: "pending" }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
  pass.nextDueAt = next ? (next.nextAttemptAt ?? now) : null;
  return pass;
}

export async function listDeliveries(prisma: Deps["db"]["prisma"], opts: { status?: string; channelId?: string; limit: number }) {
  return prisma.delivery.findMany({
    where: { ...(opts.status ? { status: opts.status } : {}), ...(opts.channelId ? { channelId: opts.channelId } : {}) },
    include: { channel: { select: { name: true, kind: true } } },
    orderBy: { createdAt: "desc" },
    take: opts.limit,
  });
}
