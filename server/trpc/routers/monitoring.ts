import { z } from "zod";
import { listErrors, sentryEventUrl } from "../../monitoring/error-records";
import { latencyTable, metricSeries } from "../../monitoring/metric-store";
import { appVersion } from "../../config";
import { publicProcedure, router, viewerProcedure } from "../init";

const windowInput = z.object({ windowMinutes: z.number().int().min(1).max(90 * 24 * 60).default(60) }).optional();

export const monitoringRouter = router({
  /** Locally recorded server errors, with a link to the Sentry event when a DSN is set. */
  errors: viewerProcedure
    .input(z.object({ source: z.string().max(40).optional(), limit: z.number().int().min(1).max(500).default(100) }).optional())
    .query(async ({ ctx, input }) => {
      const rows = await listErrors(ctx.deps.db.prisma, { limit: input?.limit ?? 100, source: input?.source });
      const { SENTRY_DSN, SENTRY_BROWSER_DSN, FORESIGHT_SENTRY_WEB_URL } = ctx.deps.config;
      // Browser errors went to the browser's DSN (its project), the others to the server's.
      const dsnOf = (source: string) => (source === "browser" ? (SENTRY_BROWSER_DSN ?? SENTRY_DSN) : SENTRY_DSN);
      return rows.map((r) => ({ ...r, sentryUrl: sentryEventUrl(dsnOf(r.source), r.sentryEventId, FORESIGHT_SENTRY_WEB_URL) }));
    }),

  /** What the browser app needs to report its own errors: the public Sentry DSN, or null (nothing loads). */
  clientConfig: publicProcedure.query(({ ctx }) => {
    const c = ctx.deps.config;
    return { sentryDsn: c.SENTRY_BROWSER_DSN ?? c.SENTRY_DSN ?? null, environment: c.SENTRY_ENVIRONMENT ?? c.NODE_ENV, release: appVersion };
  }),

  /** What the overview shows and the live stream watches: local error totals and firing alerts. */
  summary: viewerProcedure.query(async ({ ctx }) => {
    const { prisma } = ctx.deps.db;
    const [errors, firing] = await Promise.all([
      prisma.errorRecord.aggregate({ _sum: { count: true }, _count: { _all: true }, _max: { lastSeen: true } }),
      prisma.alertRule.findMany({ where: { state: "firing", OR: [{ projectId: ctx.project.id }, { projectId: null }] }, select: { name: true }, orderBy: { name: "asc" } }),
    ]);
    return {
      errorOccurrences: errors._sum.count ?? 0,
      distinctErrors: errors._count._all,
      lastErrorAt: errors._max.lastSeen?.toISOString() ?? null,
      firing: firing.map((r) => r.name),
    };
  }),

  /** Latency percentiles per route and per procedure over the last window, slowest p95 first. */
  performance: viewerProcedure.input(windowInput).query(async ({ ctx, input }) => {
    const to = new Date();
    const from = new Date(to.getTime() - (input?.windowMinutes ?? 60) * 60_000);
    const { pool } = ctx.deps.db;
    const [routes, procedures] = await Promise.all([latencyTable(pool, "http", "route", from, to), latencyTable(pool, "trpc", "path", from, to)]);
    return { from: from.toISOString(), to: to.toISOString(), routes, procedures };
  }),

  /** One stored series for a chart. */
  series: viewerProcedure
    .input(z.object({ name: z.string().min(1).max(100), labels: z.record(z.string(), z.string()).default({}), windowMinutes: z.number().int().min(1).max(90 * 24 * 60).default(60) }))
    .query(async ({ ctx, input }) => {
      const to = new Date();
      const from = new Date(to.getTime() - input.windowMinutes * 60_000);
      const bucketSeconds = Math.max(10, Math.ceil((input.windowMinutes * 60) / 120 / 10) * 10);
      return metricSeries(ctx.deps.db.pool, { name: input.name, labels: input.labels, from, to, bucketSeconds });
    }),
});
