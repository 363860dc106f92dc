import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listVersions } from "../../../ml/registry/registry";
import { enqueue } from "../../jobs/queue";
import { isoOfDay } from "../../ml/price/features";
import { bestTimeToBookInput, priceForecastInput, recommendationsInput, similarDestinationsInput } from "../../ml/price/schema";
import { NoPriceModelError } from "../../ml/price/serving";
import { priceModelKey } from "../../ml/price/train";
import { mlServices } from "../../ml/services";
import { analystProcedure, router, viewerProcedure } from "../init";

/** A project without enough searches for a model is the caller's situation, not a server fault. */
const read = viewerProcedure.use(async ({ next }) => {
  const result = (await next()) as { ok: boolean; error?: { cause?: unknown } };
  const cause = result.ok ? null : result.error?.cause;
  if (cause instanceof NoPriceModelError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: cause.message });
  return result as never;
});

export const mlRouter = router({
  /** Price forecast for a route and departure: 7 days of booking-date prices, buy or wait. */
  priceForecast: read.input(priceForecastInput).query(({ ctx, input }) => mlServices(ctx.deps).price.priceForecast(ctx.project.id, input)),

  /** The cheapest days-before-departure window of a route, and the best booking date for a departure. */
  bestTimeToBook: read.input(bestTimeToBookInput).query(({ ctx, input }) => mlServices(ctx.deps).price.bestTimeToBook(ctx.project.id, input)),

  /** Destinations searched and booked by the same people (popularity when there is nothing to go on). */
  similarDestinations: read
    .input(similarDestinationsInput)
    .query(({ ctx, input }) => mlServices(ctx.deps).similarity.similarDestinations(ctx.project.id, input.destination, input.limit)),

  /** Destinations for a person from those similar to what they searched and booked; popularity fallback. */
  recommendations: read
    .input(recommendationsInput)
    .query(({ ctx, input }) => mlServices(ctx.deps).similarity.recommendations(ctx.project.id, input.distinctId, input.limit)),

  /** The active price model (version, backtest accuracy, route catalogue) and the version history. */
  priceModel: read.input(z.object({}).strict().optional()).query(async ({ ctx }) => {
    const price = mlServices(ctx.deps).price;
    const history = (await listVersions(ctx.deps.db.pool, priceModelKey(ctx.project.id))).slice(0, 20).map((v) => ({
      id: v.id,
      version: v.version,
      status: v.status,
      active: v.active,
      metrics: v.metrics,
      liveMetrics: v.liveMetrics,
      error: v.error,
      createdAt: v.createdAt,
      promotedAt: v.promotedAt,
    }));
    let active = null;
    try {
      const f = await price.forecaster(ctx.project.id);
      const b = f.bundle;
      active = {
        version: f.version.version,
        metrics: b.metrics,
        trainedThrough: isoOfDay(b.trainedThrough),
        routeModels: Object.keys(b.set.routes).length,
        airportModels: Object.keys(b.set.airports).length,
        catalog: b.catalog,
      };
    } catch (err) {
      if (!(err instanceof NoPriceModelError)) throw err;
    }
    return { active, history, today: isoOfDay(price.today()) };
  }),

  /** Queues a training run of this project's price models (the nightly job, now). */
  retrainPriceModels: analystProcedure.input(z.object({}).strict().optional()).mutation(async ({ ctx }) => {
    const job = await enqueue(ctx.deps.db.pool, "train_price_models", { projectId: ctx.project.id }, { jobKey: `train_price_models:${ctx.project.id}` });
    return { jobId: job.id };
  }),
});
