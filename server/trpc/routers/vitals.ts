import { pageVitals, vitalsDevices } from "../../vitals/page-vitals";
import { vitalsQueryInput } from "../../vitals/schema";
import { VITALS } from "../../vitals/thresholds";
import { vitalsTrend } from "../../vitals/trend";
import { router, viewerProcedure } from "../init";

const input = vitalsQueryInput.prefault({});

function windowOf(days: number, now = new Date()) {
  return { from: new Date(now.getTime() - days * 86_400_000), to: now };
}

/** Web vitals of the sites sending events: p75 and ratings per page and device, daily trends. */
export const vitalsRouter = router({
  /** The metrics, their units and Google's thresholds (web.dev). */
  thresholds: viewerProcedure.query(() => VITALS),

  /** p75 and good / needs-improvement / poor shares per page and device over the last `days`. */
  pages: viewerProcedure.input(input).query(async ({ ctx, input }) => {
    const { from, to } = windowOf(input.days);
    const result = await pageVitals(ctx.deps.db.pool, { projectId: ctx.project.id, from, to, device: input.device, page: input.page, pageLimit: input.pageLimit });
    const devices = await vitalsDevices(ctx.deps.db.pool, { projectId: ctx.project.id, from, to });
    return { from: from.toISOString(), to: to.toISOString(), ...result, devices };
  }),

  /** Daily p75 of every vital in the project's timezone. */
  trend: viewerProcedure.input(input).query(async ({ ctx, input }) => {
    const { from, to } = windowOf(input.days);
    const points = await vitalsTrend(ctx.deps.db.pool, { projectId: ctx.project.id, from, to, device: input.device, page: input.page, timeZone: ctx.project.timezone });
    return { from: from.toISOString(), to: to.toISOString(), timeZone: ctx.project.timezone, points };
  }),
});
