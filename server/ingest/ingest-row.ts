import type { EnrichedFields } from "./captured-event";

/**
 * An accepted event, validated and enriched, as the writer stores it and the spool keeps it
 * while the database is away. Person resolution happens at write time (it needs the database).
 */
export interface IngestRow {
  projectId: string;
  uuid: string;
  event: string;
  /** Epoch milliseconds. */
  ts: number;
  distinctId: string;
  sessionId: string | null;
  fields: EnrichedFields;
  revenue: number | null;
  properties: Record<string, unknown>;
  /** JSON of `properties`, when validation already produced it. */
  propertiesJson?: string;
  set?: Record<string, unknown>;
  setOnce?: Record<string, unknown>;
}
