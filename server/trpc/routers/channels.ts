import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../../auth/audit";
import { createChannel, deleteChannel, listChannels, sendTest, updateChannel } from "../../channels/channels";
import { listDeliveries } from "../../channels/deliveries";
import { channelInput } from "../../channels/schema";
import { enqueue } from "../../jobs/queue";
import { adminProcedure, router, viewerProcedure } from "../init";

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such channel" });

/** Channels hold secrets (SMTP passwords, routing keys, HMAC secrets): only admins change them; reads are redacted. */
export const channelsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listChannels(ctx.deps.db.prisma, ctx.project.id)),

  create: adminProcedure.input(channelInput).mutation(async ({ ctx, input }) => {
    const channel = await createChannel(ctx.deps.db.prisma, ctx.project.id, input);
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "channel.created", targetType: "channel", targetId: channel.id, details: { kind: channel.kind }, ip: ctx.ip });
    return channel;
  }),

  update: adminProcedure.input(z.object({ id: z.uuid(), channel: channelInput })).mutation(async ({ ctx, input }) => {
    if (!(await updateChannel(ctx.deps.db.prisma, ctx.project.id, input.id, input.channel))) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "channel.updated", targetType: "channel", targetId: input.id, details: {}, ip: ctx.ip });
    return { ok: true };
  }),

  delete: adminProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    if (!(await deleteChannel(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "channel.deleted", targetType: "channel", targetId: input.id, details: {}, ip: ctx.ip });
    return { ok: true };
  }),

  /** Queues a test message and asks the worker to send it now. */
  sendTest: adminProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const deliveryId = await sendTest(ctx.deps.db.prisma, ctx.project.id, input.id, [ctx.user.email]);
    if (!deliveryId) throw notFound();
    await enqueue(ctx.deps.db.pool, "deliver_notifications", {}, { jobKey: "deliver_notifications" });
    return { deliveryId };
  }),

  /** Deliveries, newest first; failed ones carry the last error. */
  deliveries: viewerProcedure
    .input(z.object({ status: z.enum(["pending", "sent", "failed"]).optional(), channelId: z.uuid().optional(), limit: z.number().int().min(1).max(500).default(50) }).optional())
    .query(async ({ ctx, input }) => {
      const visible = new Set((await listChannels(ctx.deps.db.prisma, ctx.project.id)).map((c) => c.id));
      const rows = await listDeliveries(ctx.deps.db.prisma, { status: input?.status, channelId: input?.channelId, limit: input?.limit ?? 50 });
      return rows.filter((r) => visible.has(r.channelId));
    }),
});
