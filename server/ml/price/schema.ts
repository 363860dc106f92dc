import { z } from "zod";
import { cabinClass } from "../../ingest/domain-events";
import { DAY_MS, MAX_DAYS_OUT } from "./features";

/** One zod schema per input, shared by tRPC, REST, the price explorer form and the tests. */
const iata = z.string().regex(/^[A-Z]{3}$/, "expected a 3-letter IATA airport code in capitals (e.g. LHR)");
const isoDate = z.iso.date("expected a date as YYYY-MM-DD");
const todayIso = () => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
const dayOffset = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A departure from today to MAX_DAYS_OUT days ahead (UTC), as the price model covers. */
function checkDepartDate(departDate: string, ctx: z.RefinementCtx): void {
  const today = todayIso();
  if (departDate < today) ctx.addIssue({ code: "custom", path: ["departDate"], message: `is in the past (today is ${today} UTC)` });
  else if (departDate > dayOffset(today, MAX_DAYS_OUT)) ctx.addIssue({ code: "custom", path: ["departDate"], message: `is more than ${MAX_DAYS_OUT} days ahead` });
}

export const priceForecastInput = z
  .object({
    origin: iata,
    destination: iata,
    departDate: isoDate,
    returnDate: isoDate.optional(),
    cabinClass: cabinClass.default("economy"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.origin === v.destination) ctx.addIssue({ code: "custom", path: ["destination"], message: "is the same airport as origin" });
    checkDepartDate(v.departDate, ctx);
    if (v.returnDate !== undefined && v.returnDate < v.departDate)
      ctx.addIssue({ code: "custom", path: ["returnDate"], message: "is before departDate" });
  });
export type PriceForecastInput = z.infer<typeof priceForecastInput>;

export const bestTimeToBookInput = z
  .object({
    origin: iata,
    destination: iata,
    cabinClass: cabinClass.default("economy"),
    /** With a departure date, the answer also names the booking date and its predicted price. */
    departDate: isoDate.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.origin === v.destination) ctx.addIssue({ code: "custom", path: ["destination"], message: "is the same airport as origin" });
    // The answer prices every booking day up to the departure: bounded like priceForecast's.
    if (v.departDate !== undefined) checkDepartDate(v.departDate, ctx);
  });
export type BestTimeToBookInput = z.infer<typeof bestTimeToBookInput>;

export const similarDestinationsInput = z
  .object({ destination: iata, limit: z.number().int().min(1).max(50).default(5) })
  .strict();
export type SimilarDestinationsInput = z.infer<typeof similarDestinationsInput>;

export const recommendationsInput = z
  .object({ distinctId: z.string().min(1).max(400), limit: z.number().int().min(1).max(50).default(5) })
  .strict();
export type RecommendationsInput = z.infer<typeof recommendationsInput>;

export interface PriceForecastPoint {
  /** Booking date (YYYY-MM-DD, UTC). */
  date: string;
  /** Median cheapest fare a search on that date is expected to find (per passenger). */
  predictedPrice: number;
  /** 80% band of that fare. */
  lower: number;
  upper: number;
  /** How often the model's 80% bands held the real fare on the backtest, for this basis. */
  confidence: number;
}

export interface PriceForecastAnswer {
  currentPrice: number;
  forecast: PriceForecastPoint[];
  recommendation: "buy" | "wait";
  bestBookingDate: string;
  estimatedSavings: number;
  modelVersion: number;
  basis: "route" | "origin" | "destination" | "global";
}
