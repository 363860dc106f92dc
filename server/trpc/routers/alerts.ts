import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ensureDefaultRules } from "../../alerts/defaults";
import { evaluateRules } from "../../alerts/evaluate";
import { acknowledge, alertHistory, createRule, deleteRule, getRule, listRules, RuleError, updateRule } from "../../alerts/rules";
import { alertRuleInput } from "../../alerts/schema";
import { audit } from "../../auth/audit";
import { enqueue } from "../../jobs/queue";
import { analystProcedure, router, viewerProcedure } from "../init";

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such alert rule" });
const badChannel = (err: unknown) => {
  if (err instanceof RuleError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
  throw err;
};

export const alertsRouter = router({
  /** The project's rules and the instance-wide ones; the built-in defaults are created on first look. */
  list: viewerProcedure.query(async ({ ctx }) => {
    await ensureDefaultRules(ctx.deps.db.prisma, ctx.project.id);
    return listRules(ctx.deps.db.prisma, ctx.project.id);
  }),

  get: viewerProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const rule = await getRule(ctx.deps.db.prisma, ctx.project.id, input.id);
    if (!rule) throw notFound();
    return rule;
  }),

  create: analystProcedure.input(alertRuleInput).mutation(async ({ ctx, input }) => {
    const rule = await createRule(ctx.deps.db.prisma, ctx.project.id, input).catch(badChannel);
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "alert_rule.created", targetType: "alert_rule", targetId: rule.id, details: { name: rule.name }, ip: ctx.ip });
    return rule;
  }),

  update: analystProcedure.input(z.object({ id: z.uuid(), rule: alertRuleInput })).mutation(async ({ ctx, input }) => {
    const rule = await updateRule(ctx.deps.db.prisma, ctx.project.id, input.id, input.rule).catch(badChannel);
    if (!rule) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "alert_rule.updated", targetType: "alert_rule", targetId: rule.id, details: { name: rule.name }, ip: ctx.ip });
    return rule;
  }),

  delete: analystProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    if (!(await deleteRule(ctx.deps.db.prisma, ctx.project.id, input.id))) throw notFound();
    await audit(ctx.deps.db.prisma, { actorId: ctx.user.id, action: "alert_rule.deleted", targetType: "alert_rule", targetId: input.id, details: {}, ip: ctx.ip });
    return { ok: true };
  }),

  history: viewerProcedure
    .input(z.object({ ruleId: z.uuid().optional(), limit: z.number().int().min(1).max(500).default(50) }).optional())
    .query(({ ctx, input }) => alertHistory(ctx.deps.db.prisma, ctx.project.id, { ruleId: input?.ruleId, limit: input?.limit ?? 50 })),

  acknowledge: analystProcedure.input(z.object({ eventId: z.uuid() })).mutation(async ({ ctx, input }) => {
    if (!(await acknowledge(ctx.deps.db.prisma, ctx.project.id, input.eventId, ctx.user.id))) {
      throw new TRPCError({ code: "NOT_FOUND", message: "No such unacknowledged alert" });
    }
    return { ok: true };
  }),

  /** Evaluates one rule (or all) now, as the job does each minute, then queues delivery. */
  evaluateNow: analystProcedure.input(z.object({ ruleId: z.uuid().optional() }).optional()).mutation(async ({ ctx, input }) => {
    if (input?.ruleId && !(await getRule(ctx.deps.db.prisma, ctx.project.id, input.ruleId))) throw notFound();
    const results = await evaluateRules(ctx.deps, { ruleId: input?.ruleId });
    if (results.some((r) => r.fired || r.resolved)) await enqueue(ctx.deps.db.pool, "deliver_notifications", {}, { jobKey: "deliver_notifications" });
    return results;
  }),
});
