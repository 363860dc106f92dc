import type pg from "pg";

/** Everything a runner needs to answer one query for one project. */
export interface QueryContext {
  pool: pg.Pool;
  projectId: string;
  /** IANA zone; day/week/month buckets and relative ranges are in it. */
  timezone: string;
  /** "Now" for relative ranges; fixed in tests. */
  now: Date;
  /** The project's test-account filters (event property filters), applied when a query asks. */
  testAccountFilters: import("./schema/common").Filter[];
}
