import { describe, expect, it } from "vitest";
import {
  domainEventNames,
  domainEvents,
  standardEventNames,
  validateDomainEvent,
} from "../../server/ingest/domain-events";

const search = {
  origin: "LHR",
  destination: "JFK",
  depart_date: "2025-08-01",
  return_date: "2025-08-10",
  passengers: 2,
  cabin_class: "economy",
  results_count: 42,
  cheapest_price: 410.5,
  avg_price: 520,
  max_price: 990.99,
  currency: "GBP",
  duration_ms: 1830,
  $session_id: "0190d6b0-0000-7000-8000-000000000000",
};

const booking = {
  booking_id: "BKX7K2M9QP",
  revenue: 821,
  commission: 41.05,
  provider: "amadeus",
  currency: "GBP",
  origin: "LHR",
  destination: "JFK",
  depart_date: "2025-08-01",
  passengers: 2,
  cabin_class: "business",
};

describe("domain event definitions", () => {
  it("define the seven travel events and the standard ones, each with a description", () => {
    expect(domainEventNames.sort()).toEqual(
      ["booking_cancelled", "booking_completed", "checkout_started", "flight_selected", "payment_failed", "payment_submitted", "search"].sort(),
    );
    expect(standardEventNames.sort()).toEqual(["$exception", "$feature_flag_called", "$identify", "$pageleave", "$pageview", "$web_vitals"].sort());
    for (const def of Object.values(domainEvents)) expect(def.description.length).toBeGreaterThan(10);
  });

  it("accept conforming properties, extra properties included", () => {
    expect(validateDomainEvent("search", search)).toEqual([]);
    expect(validateDomainEvent("booking_completed", booking)).toEqual([]);
    expect(validateDomainEvent("payment_failed", { amount: 12.5, reason: "card_declined" })).toEqual([]);
    expect(validateDomainEvent("booking_cancelled", { booking_id: "BK1", reason: "illness", refund_amount: 0 })).toEqual([]);
    expect(
      validateDomainEvent("payment_submitted", { amount: 99, currency: "EUR", payment_method: "apple_pay", provider: "kiwi" }),
    ).toEqual([]);
  });

  it("accept a search without results only when it carries no prices", () => {
    const { cheapest_price: _c, avg_price: _a, max_price: _m, ...bare } = search;
    expect(validateDomainEvent("search", { ...bare, results_count: 0 })).toEqual([]);
    expect(validateDomainEvent("search", { ...search, results_count: 0 })).toEqual([
      { field: "cheapest_price", problem: "prices given for a search without results" },
    ]);
    expect(validateDomainEvent("search", { ...bare, results_count: 3 }).map((p) => p.field)).toEqual([
      "cheapest_price",
      "avg_price",
      "max_price",
    ]);
  });

  it("name the field at fault", () => {
    expect(validateDomainEvent("search", { ...search, origin: "london" })).toEqual([
      { field: "origin", problem: "expected a 3-letter IATA airport code" },
    ]);
    expect(validateDomainEvent("search", { ...search, cheapest_price: 600 })).toEqual([
      { field: "avg_price", problem: "expected cheapest_price <= avg_price <= max_price" },
    ]);
    expect(validateDomainEvent("search", { ...search, return_date: "2025-07-01" })[0]?.field).toBe("return_date");
    expect(validateDomainEvent("search", { ...search, destination: "LHR" })[0]?.field).toBe("destination");
    expect(validateDomainEvent("search", { ...search, cabin_class: "coach" })[0]?.field).toBe("cabin_class");
    expect(validateDomainEvent("search", { ...search, depart_date: "01/08/2025" })[0]?.field).toBe("depart_date");
    expect(validateDomainEvent("search", { ...search, passengers: 1.5 })[0]?.field).toBe("passengers");
    expect(validateDomainEvent("booking_completed", { ...booking, commission: 900 })).toEqual([
      { field: "commission", problem: "commission exceeds revenue" },
    ]);
    const missing = validateDomainEvent("flight_selected", { origin: "LHR", destination: "JFK", depart_date: "2025-08-01" });
    expect(missing.map((p) => p.field).sort()).toEqual(["currency", "flight_id", "price", "provider"]);
  });

  it("report a non-object as a problem of the whole", () => {
    expect(validateDomainEvent("search", "nope")).toEqual([{ field: "", problem: expect.any(String) }]);
  });

  it("check standard events leniently and ignore events without a definition", () => {
    expect(validateDomainEvent("$identify", { $anon_distinct_id: "abc" })).toEqual([]);
    expect(validateDomainEvent("$identify", {})).toEqual([]);
    expect(validateDomainEvent("$pageview", {})[0]?.field).toBe("$current_url");
    expect(validateDomainEvent("$feature_flag_called", { $feature_flag: "x", $feature_flag_response: true })).toEqual([]);
    expect(validateDomainEvent("$web_vitals", { $web_vitals_LCP_value: "slow" })[0]?.field).toBe("$web_vitals_LCP_value");
    expect(validateDomainEvent("newsletter_clicked", { anything: 1 })).toEqual([]);
    expect(validateDomainEvent("toString", {})).toEqual([]);
  });
});
