import type { ResolvedRange } from "../date-range";
import type { QuerySource } from "../result";
import type { Breakdown, EventSelector, Filter, FilterGroup } from "../schema/common";

/**
 * What per-person insight kinds (funnels, retention, paths, lifecycle, stickiness) read: the
 * events of a date range that match any of the request's selectors, in time order, with the
 * canonical person of each as a dense integer. The algorithms run over these arrays in one pass
 * with per-person state (what ClickHouse's windowFunnel does, without the engine).
 */
export interface EventStream {
  /**
   * Rows, sorted by ts ascending; ties by person (canonical uuid), then by selector order (the
   * lowest matching selector first, rows matching none last), then by event name and breakdown
   * value (code point order, null last). Both sources give the same order (see order.ts).
   */
  length: number;
  /** Epoch milliseconds. */
  ts: Float64Array;
  /** Canonical person, 0 .. personCount - 1. */
  person: Int32Array;
  /** Bit i set when the row matches selector i of the request (up to 31 selectors). */
  match: Uint32Array;
  /**
   * Index into `breakdownValues` per row (-1: no value), when the request had a breakdown.
   * event/person property: the property's text (null when not set). day_of_week: "1" (Monday)
   * .. "7" (Sunday) and hour_of_day: "0".."23", both in the project timezone. cohort:
   * `breakdownValues` are the request's cohort ids in order and `breakdown` is the first cohort
   * the row's person is a member of (-1: none); see `cohortMask` for all of them.
   */
  breakdown: Int32Array | null;
  breakdownValues: (string | null)[];
  /** Cohort breakdown only: bit j set when the row's person is a member of `cohortIds[j]`. */
  cohortMask?: Uint32Array | null;
  /** Event name index per row into `eventNames` (for paths and strict funnels). */
  eventName: Int32Array | null;
  eventNames: string[];
  /** Canonical person ids (uuid) by index. */
  personIds: string[];
  personCount: number;
  source: QuerySource;
}

export interface StreamRequest {
  range: ResolvedRange;
  /** Selector i sets bit i of `match`. */
  selectors: EventSelector[];
  /** Applied to every row (the query's global filters and test-account exclusion). */
  filters: (Filter | FilterGroup)[];
  excludeTestAccounts: boolean;
  breakdown?: Breakdown;
  /** Also return rows that match no selector (strict funnels, paths over all events). */
  allEvents?: boolean;
  /** Fill `eventName`/`eventNames`. */
  withEventNames?: boolean;
  /**
   * For paths over pages: fill `eventName` with the pathname on `$pageview` rows ("" when it
   * has none) and the event name on other rows.
   */
  pathnames?: boolean;
  /**
   * Which source to read (tests and benchmarks). Default: the columnar store when it holds
   * every column the request touches, else SQL over `events`. Forcing "columnar" for a request
   * it cannot answer throws.
   */
  source?: "events" | "columnar";
}
