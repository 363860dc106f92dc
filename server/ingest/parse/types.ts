import type { Problem } from "../normalize";

/** What a format parser extracts from a decoded body, before per-event validation. */
export interface ParsedCapture {
  apiKey: string | null;
  sentAt: string | number | null;
  /** Wire events in PostHog's shape, or a problem found while mapping the format. */
  items: Array<unknown | Problem>;
  /** Request-level facts a format carries in the body (Segment's context.ip / userAgent). */
  contexts?: Array<{ ip?: string; userAgent?: string } | undefined>;
  /** The body's strings hold no NUL or lone surrogate (DecodedBody.plainStrings): cleaning is skipped. */
  plainStrings?: boolean;
}

export function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
