import type { Prisma, PrismaClient } from "../db/generated/client";
import { queueDeliveries } from "./deliveries";
import { channelConfig, redactConfig, type ChannelInput } from "./schema";

/** Channels a project can use: its own and instance-wide ones. */
const visible = (projectId: string): Prisma.NotificationChannelWhereInput => ({ OR: [{ projectId }, { projectId: null }] });

type Row = { id: string; projectId: string | null; kind: string; name: string; config: unknown; enabled: boolean; createdAt: Date; updatedAt: Date };

/** A channel as the client sees it: secrets redacted. */
export function publicChannel(row: Row) {
  const parsed = channelConfig.safeParse(row.config);
  return { ...row, config: parsed.success ? redactConfig(parsed.data) : { kind: row.kind } };
}

export async function listChannels(prisma: PrismaClient, projectId: string) {
  const rows = await prisma.notificationChannel.findMany({ where: visible(projectId), orderBy: { createdAt: "asc" } });
  const failed = await prisma.delivery.groupBy({ by: ["channelId"], where: { status: "failed", channelId: { in: rows.map((r) => r.id) } }, _count: { _all: true } });
  const failures = new Map(failed.map((f) => [f.channelId, f._count._all]));
  return rows.map((r) => ({ ...publicChannel(r), failedDeliveries: failures.get(r.id) ?? 0 }));
}

export async function createChannel(prisma: PrismaClient, projectId: string, input: ChannelInput) {
  const row = await prisma.notificationChannel.create({
    data: { projectId, kind: input.config.kind, name: input.name, config: input.config as Prisma.InputJsonValue, enabled: input.enabled },
  });
  return publicChannel(row);
}

export async function updateChannel(prisma: PrismaClient, projectId: string, id: string, input: ChannelInput) {
  const { count } = await prisma.notificationChannel.updateMany({
    where: { id, ...visible(projectId) },
    data: { kind: input.config.kind, name: input.name, config: input.config as Prisma.InputJsonValue, enabled: input.enabled },
  });
  return count === 1;
}

export async function deleteChannel(prisma: PrismaClient, projectId: string, id: string) {
  const { count } = await prisma.notificationChannel.deleteMany({ where: { id, ...visible(projectId) } });
  return count === 1;
}

/** Queues a test message; the delivery job sends it like any other. */
export async function sendTest(prisma: PrismaClient, projectId: string, id: string, recipients: string[] = [], now = new Date()) {
  const channel = await prisma.notificationChannel.findFirst({ where: { id, ...visible(projectId) } });
  if (!channel) return null;
  const [deliveryId] = await queueDeliveries(prisma, {
    channelIds: [channel.id],
    purpose: "test",
    notification: {
      type: "test", ruleId: null, ruleName: `Test of ${channel.name}`, severity: "info", condition: "test",
      threshold: null, value: null, dedupKey: `foresight-test-${channel.id}-${now.getTime()}`, at: now.toISOString(), recipients, url: null,
    },
    now,
  });
  return deliveryId ?? null;
}
