import { z } from "zod";

/**
 * Typed definitions of the travel-booking domain events and of the PostHog-style standard events
 * the travel site sends. Projects that turn on strict typed definitions check each incoming event
 * with `validateDomainEvent`; the demo generator builds its properties from the same types.
 *
 * Schemas are loose objects: extra properties (`$session_id`, `$current_url`, `$feature/...`) are
 * allowed and kept; only the declared fields are checked.
 */

const iata = z.string().regex(/^[A-Z]{3}$/, "expected a 3-letter IATA airport code");
const isoDate = z.iso.date();
const currency = z.string().regex(/^[A-Z]{3}$/, "expected a 3-letter ISO 4217 currency code");
const money = z.number().finite().nonnegative();
const positiveMoney = z.number().finite().positive();
const passengers = z.number().int().min(1).max(9);

export const cabinClasses = ["economy", "premium_economy", "business", "first"] as const;
export const cabinClass = z.enum(cabinClasses);
export type CabinClass = z.infer<typeof cabinClass>;

const route = { origin: iata, destination: iata, depart_date: isoDate, return_date: isoDate.optional() };

/** Origin differs from destination, and a return is not before the departure. */
function checkRoute(
  v: { origin: string; destination: string; depart_date: string; return_date?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (v.origin === v.destination) ctx.addIssue({ code: "custom", path: ["destination"], message: "destination equals origin" });
  if (v.return_date !== undefined && v.return_date < v.depart_date)
    ctx.addIssue({ code: "custom", path: ["return_date"], message: "return_date is before depart_date" });
}

export const searchProperties = z
  .looseObject({
    ...route,
    passengers,
    cabin_class: cabinClass,
    results_count: z.number().int().nonnegative(),
    /** Absent when the search found nothing (results_count 0). */
    cheapest_price: positiveMoney.optional(),
    avg_price: positiveMoney.optional(),
    max_price: positiveMoney.optional(),
    currency,
    duration_ms: z.number().int().nonnegative(),
  })
  .superRefine((v, ctx) => {
    checkRoute(v, ctx);
    const prices = [v.cheapest_price, v.avg_price, v.max_price];
    if (v.results_count === 0) {
      if (prices.some((p) => p !== undefined))
        ctx.addIssue({ code: "custom", path: ["cheapest_price"], message: "prices given for a search without results" });
      return;
    }
    (["cheapest_price", "avg_price", "max_price"] as const).forEach((k, i) => {
      if (prices[i] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "required when results_count > 0" });
    });
    const [lo, mid, hi] = prices;
    if (lo !== undefined && mid !== undefined && hi !== undefined && !(lo <= mid && mid <= hi))
      ctx.addIssue({ code: "custom", path: ["avg_price"], message: "expected cheapest_price <= avg_price <= max_price" });
  });

export const flightSelectedProperties = z
  .looseObject({ ...route, provider: z.string().min(1), price: positiveMoney, currency, flight_id: z.string().min(1) })
  .superRefine(checkRoute);

export const checkoutStartedProperties = z
  .looseObject({ ...route, price: positiveMoney, provider: z.string().min(1), currency: currency.optional() })
  .superRefine(checkRoute);

export const paymentMethods = ["card", "paypal", "apple_pay", "google_pay", "klarna"] as const;

export const paymentSubmittedProperties = z.looseObject({
  amount: positiveMoney,
  currency,
  payment_method: z.enum(paymentMethods),
  provider: z.string().min(1),
});

export const paymentFailedProperties = z.looseObject({ amount: positiveMoney, reason: z.string().min(1) });

export const bookingCompletedProperties = z
  .looseObject({
    booking_id: z.string().min(1),
    revenue: positiveMoney,
    commission: money,
    provider: z.string().min(1),
    currency,
    ...route,
    passengers,
    cabin_class: cabinClass,
  })
  .superRefine((v, ctx) => {
    checkRoute(v, ctx);
    if (v.commission > v.revenue) ctx.addIssue({ code: "custom", path: ["commission"], message: "commission exceeds revenue" });
  });

export const bookingCancelledProperties = z.looseObject({
  booking_id: z.string().min(1),
  reason: z.string().min(1),
  refund_amount: money,
});

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  description: string;
  properties: S;
}

export const domainEvents = {
  search: {
    description: "A flight search returned (possibly zero) results; prices are per passenger.",
    properties: searchProperties,
  },
  flight_selected: { description: "The user opened one flight from the search results.", properties: flightSelectedProperties },
  checkout_started: { description: "The user started checkout for a selected flight.", properties: checkoutStartedProperties },
  payment_submitted: { description: "The user submitted payment for the whole booking.", properties: paymentSubmittedProperties },
  payment_failed: { description: "The payment provider declined or failed a submitted payment.", properties: paymentFailedProperties },
  booking_completed: {
    description: "A booking was confirmed; revenue = price x passengers, commission is our share.",
    properties: bookingCompletedProperties,
  },
  booking_cancelled: { description: "A confirmed booking was cancelled, with the amount refunded.", properties: bookingCancelledProperties },
} as const satisfies Record<string, EventDefinition>;

export type DomainEventName = keyof typeof domainEvents;
export type DomainEventProperties<N extends DomainEventName> = z.input<(typeof domainEvents)[N]["properties"]>;
export const domainEventNames = Object.keys(domainEvents) as DomainEventName[];

// ---------------------------------------------------------------------------------------------
// PostHog-style standard events. Lenient: a field is checked only for its type when present,
// except the few an event is meaningless without.

const optString = z.string().optional();
const optNumber = z.number().finite().optional();

export const standardEvents = {
  $pageview: {
    description: "A page was viewed.",
    properties: z.looseObject({
      $current_url: z.string().min(1),
      $pathname: optString,
      $referrer: optString,
      $session_id: optString,
      title: optString,
    }),
  },
  $pageleave: {
    description: "The user left a page.",
    properties: z.looseObject({ $current_url: optString, $pathname: optString, $session_id: optString }),
  },
  $identify: {
    description: "An anonymous id became an identified user; links the two into one person.",
    properties: z.looseObject({ $anon_distinct_id: optString }),
  },
  $web_vitals: {
    description: "Core web vitals measured on a page (milliseconds, CLS unitless).",
    properties: z.looseObject({
      $web_vitals_LCP_value: optNumber,
      $web_vitals_INP_value: optNumber,
      $web_vitals_CLS_value: optNumber,
      $web_vitals_FCP_value: optNumber,
      $web_vitals_TTFB_value: optNumber,
      $current_url: optString,
    }),
  },
  $feature_flag_called: {
    description: "A feature flag was evaluated for the user (the experiment exposure).",
    properties: z.looseObject({
      $feature_flag: z.string().min(1),
      $feature_flag_response: z.union([z.string(), z.boolean()]),
    }),
  },
  $exception: {
    description: "An error captured in the client.",
    properties: z.looseObject({ $exception_type: optString, $exception_message: optString }),
  },
} as const satisfies Record<string, EventDefinition>;

export type StandardEventName = keyof typeof standardEvents;
export const standardEventNames = Object.keys(standardEvents) as StandardEventName[];

export function isDomainEvent(name: string): name is DomainEventName {
  return Object.hasOwn(domainEvents, name);
}

export function isStandardEvent(name: string): name is StandardEventName {
  return Object.hasOwn(standardEvents, name);
}

export interface DefinitionProblem {
  /** Dotted path of the property at fault ("" for the properties object itself). */
  field: string;
  problem: string;
}

/**
 * Problems of `properties` against the definition of `name` (a domain or standard event); an empty
 * list when it conforms. Events without a definition have nothing to conform to and give [].
 */
export function validateDomainEvent(name: string, properties: unknown): DefinitionProblem[] {
  const def = isDomainEvent(name) ? domainEvents[name] : isStandardEvent(name) ? standardEvents[name] : undefined;
  if (!def) return [];
  const result = def.properties.safeParse(properties);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ field: issue.path.map(String).join("."), problem: issue.message }));
}
