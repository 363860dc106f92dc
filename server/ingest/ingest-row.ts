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
  /** The event's properties as JSON (what is stored). */
  propertiesJson?: string;
  /**
   * The parsed properties: only in rows from spool files of earlier versions and in tests. The
   * pipeline leaves them out, so a request's parsed body can be collected while its rows wait
   * for their transaction; it derives what the writer needs from them instead (below).
   */
  properties?: Record<string, unknown>;
  /** $identify's $anon_distinct_id or $create_alias's alias: the id to fold into `distinctId`. */
  linkSource?: string;
  /**
   * Event name and property types this process had not recorded when the event arrived
   * ([key, type] pairs; `event` true when the name itself was new); absent when nothing was new.
   */
  definitions?: { event: boolean; props: Array<[string, string]> };
  set?: Record<string, unknown>;
  setOnce?: Record<string, unknown>;
}
