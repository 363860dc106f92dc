/**
 * The one internal shape every capture format (native, PostHog, Segment) parses into, before
 * enrichment and identity resolution. Parsers fill what the client sent; the pipeline fills the rest.
 */
export interface CapturedEvent {
  /** Client-supplied id (PostHog `uuid`, Segment `messageId`, native `uuid`); generated when absent. */
  uuid: string;
  event: string;
  distinctId: string;
  /** When it happened, after clock-skew correction and clamping. */
  timestamp: Date;
  properties: Record<string, unknown>;
  /** `properties` serialized once during validation, reused by the writer's COPY. */
  propertiesJson?: string;
  /** `$set` / `$set_once` person properties carried by the event (PostHog style, Segment traits). */
  set?: Record<string, unknown>;
  setOnce?: Record<string, unknown>;
  /** Request facts used by enrichment (never stored raw when the project anonymises IPs). */
  ip?: string | null;
  userAgent?: string | null;
}

/** What enrichment derives from an event and its request; each field becomes a column. */
export interface EnrichedFields {
  url: string | null;
  host: string | null;
  pathname: string | null;
  referrer: string | null;
  referringDomain: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  device: string | null; // "desktop" | "mobile" | "tablet" | ...
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  country: string | null; // ISO 3166-1 alpha-2
  city: string | null;
  /** The IP as stored after the project's anonymisation policy (null when dropped). */
  ip: string | null;
}
