/** Where an answer came from, so the UI can say it. */
export type QuerySource = "rollup" | "events" | "columnar";

export interface QueryMeta {
  source: QuerySource;
  /** Newest `inserted_at` the answer includes (ISO), or null when there is no data. */
  dataWatermark: string | null;
  /** True when served from the result cache. */
  cached: boolean;
  elapsedMs: number;
  timezone: string;
  /** The resolved date range (ISO). */
  range: { from: string; to: string };
}

export interface QueryAnswer<R> {
  kind: string;
  result: R;
  meta: QueryMeta;
}
