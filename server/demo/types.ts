import type { Channel, Country, DeviceType } from "./world";

/**
 * One event in the native capture format, as a client would POST it. Property values are JSON;
 * `timestamp` is an ISO-8601 UTC string with milliseconds; `uuid` is a UUIDv7 of that instant.
 */
export interface NativeCaptureEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  uuid: string;
  properties: Record<string, unknown>;
  $set?: Record<string, unknown>;
  $set_once?: Record<string, unknown>;
  /** Client IP and user agent as the capture endpoint would see them; absent on server-side events. */
  ip?: string;
  user_agent?: string;
}

export interface DemoOptions {
  /** Same seed (and same other options), byte-identical output. */
  seed: number | string;
  /** Length of the period, in days, ending at `endDate` (exclusive). Default 90. */
  days?: number;
  /** People who visit during the period. Default 3000. */
  persons?: number;
  /** Exclusive end of the period, moved to its UTC midnight. Default: today's UTC midnight. */
  endDate?: Date | string;
  /** Time zone of the project: anomaly windows and the summary's daily figures use its days. Default "UTC". */
  projectTimezone?: string;
}

export interface ResolvedDemoOptions {
  seed: number | string;
  days: number;
  persons: number;
  /** Inclusive start and exclusive end, UTC midnights, in milliseconds. */
  startMs: number;
  endMs: number;
  projectTimezone: string;
}

/** One UTC day of events, sorted by timestamp; concatenated in order they give the whole stream. */
export interface DemoDayChunk {
  /** 0-based index of the UTC day within the period. */
  day: number;
  /** "YYYY-MM-DD" (UTC). */
  date: string;
  events: NativeCaptureEvent[];
}

export type Variant = "control" | "test";
export type ChurnCause = "failed_search" | "price_shock" | "bad_device" | "baseline" | "none";
export type FunnelStep = "search" | "select" | "checkout" | "payment" | "booking";

/** Ground truth about one person, never present in the events themselves. */
export interface PersonTruth {
  anonDistinctId: string;
  /** The distinct id the person ended with: the user id when identified, else the anonymous id. */
  distinctId: string;
  identified: boolean;
  country: Country;
  timeZone: string;
  device: DeviceType;
  userAgentId: string;
  /** Has the device with the bad experience (slow pages, flaky payments). */
  badDevice: boolean;
  channel: Channel;
  variant: Variant;
  firstSeen: string;
  lastSeen: string;
  sessions: number;
  /** Why the person stopped returning; "none" when still active at the end of the period. */
  churnCause: ChurnCause;
  /** End of the last session when the person churned. */
  churnedAt?: string;
}

export interface DemoAnomaly {
  kind: "payment_outage" | "newsletter_spike";
  /** Project-local date ("YYYY-MM-DD") of the anomaly. */
  date: string;
  start: string;
  end: string;
  description: string;
}

export interface ProviderFigures {
  bookings: number;
  revenue: number;
  commission: number;
  commissionRate: number;
}

export interface DailyFigures {
  /** Project-local date. */
  date: string;
  events: number;
  sessions: number;
  pageviews: number;
  searches: number;
  paymentFailed: number;
  bookings: number;
  revenue: number;
}

export interface VariantFigures {
  /** Sessions that reached checkout (and so were exposed to the flag). */
  exposures: number;
  /** Of those, sessions that went on to submit a payment. */
  conversions: number;
  rate: number;
}

export interface DemoSummary {
  seed: number | string;
  days: number;
  persons: number;
  start: string;
  end: string;
  projectTimezone: string;
  currency: "GBP";
  totals: {
    events: number;
    sessions: number;
    personsSeen: number;
    identifiedPersons: number;
    bookings: number;
    cancellations: number;
    revenue: number;
    commission: number;
    refunds: number;
  };
  eventCounts: Record<string, number>;
  /** Figures computed from exactly the emitted events, for tests and insight checks. */
  expected: {
    bookingsByProvider: Record<string, ProviderFigures>;
    /** Sessions reaching each step (a step counts once per session). */
    funnel: Record<FunnelStep, number>;
    daily: DailyFigures[];
  };
  experiment: {
    flag: "checkout-redesign";
    variants: Variant[];
    /** How a person's variant is chosen (deterministic). */
    assignment: string;
    metric: string;
    trueRates: Record<Variant, number>;
    trueRelativeLift: number;
    observed: Record<Variant, VariantFigures> & { relativeLift: number };
  };
  anomalies: DemoAnomaly[];
  churn: {
    /** Per-session probability of never returning, by cause (causes add up). */
    hazards: Record<Exclude<ChurnCause, "none">, number>;
    causes: Record<ChurnCause, number>;
    persons: PersonTruth[];
  };
  market: {
    routes: Array<{ origin: string; destination: string; typicalPrice: number; popularity: number }>;
    cabinMultiplier: Record<string, number>;
    providers: Array<{ id: string; commissionRate: number }>;
    /** A search shocks when cheapest_price > this x the route's typical price for the cabin. */
    priceShockThreshold: number;
    badUserAgent: string;
  };
}
