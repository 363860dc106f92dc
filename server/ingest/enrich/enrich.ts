import type { CapturedEvent, EnrichedFields } from "../captured-event";
import { fieldText } from "./field-text";
import { lookupGeo, type GeoResult } from "./geo";
import { anonymizeIp, type IpMode } from "./ip";
import { RecentCache } from "./recent-cache";
import { parseUrlFields, type UrlFields } from "./url";
import { clientDeviceType, MAX_CLIENT_NAME, parseUserAgent } from "./user-agent";

export interface EnrichOptions {
  ipMode: IpMode;
  /** Geo lookup to use; the packaged DB-IP database by default. */
  lookupGeo?: (ip: string | null | undefined) => GeoResult | null;
}

function firstString(a: unknown, b: unknown): unknown {
  return typeof a === "string" && a.length > 0 ? a : b;
}

/**
 * The columns enrichment derives for one event: page and referrer fields (from `$current_url` or
 * `url`, `$referrer` or `referrer`; UTM tags from the URL, else from `utm_*` properties), device,
 * browser and OS (the client's own `$browser` / `$os` / `$device_type` first, then the parsed
 * User-Agent, whose "bot" verdict always wins), geo from the raw IP, and the IP as the project's
 * policy stores it. Pure apart from the cached lookups; never throws on odd property values.
 */
// Sites repeat the same pages and referrers: parsing a URL costs more than a map lookup. Keyed
// by URL, then referrer, so a lookup hashes the strings as they came (no joined key to build).
const pages = new RecentCache<string, Map<string, UrlFields>>(10_000);
/** Referrers kept per URL; past that, that URL's entries start over. */
const REFERRERS_PER_URL = 64;

function pageFields(url: unknown, referrer: unknown): UrlFields {
  if (typeof url !== "string" || (referrer !== undefined && referrer !== null && typeof referrer !== "string")) {
    return parseUrlFields(url, referrer);
  }
  const r = referrer ? referrer : "";
  let byReferrer = pages.get(url);
  if (!byReferrer) pages.set(url, (byReferrer = new Map()));
  let page = byReferrer.get(r);
  if (!page) {
    if (byReferrer.size >= REFERRERS_PER_URL) byReferrer.clear();
    byReferrer.set(r, (page = parseUrlFields(url, referrer)));
  }
  return page;
}

// A request's events share its IP: the last answer is reused (pure functions of their inputs).
let lastIp: string | null | undefined;
let lastMode: IpMode | undefined;
let lastAnonymized: string | null = null;
function storedIp(ip: string | null | undefined, mode: IpMode): string | null {
  if (ip !== lastIp || mode !== lastMode) {
    lastAnonymized = anonymizeIp(ip, mode);
    lastIp = ip;
    lastMode = mode;
  }
  return lastAnonymized;
}

export function enrich(event: CapturedEvent, opts: EnrichOptions): EnrichedFields {
  const props = event.properties;
  const page = pageFields(firstString(props.$current_url, props.url), firstString(props.$referrer, props.referrer));
  const parsed = parseUserAgent(event.userAgent);
  const geo = event.ip ? (opts.lookupGeo ?? lookupGeo)(event.ip) : null;
  // What the client reported, as fromClientProperties reads it, without building its object.
  const clientBrowser = fieldText(props.$browser, MAX_CLIENT_NAME);
  const clientOs = fieldText(props.$os, MAX_CLIENT_NAME);
  const clientDevice = clientDeviceType(props.$device_type);

  return {
    url: page.url,
    host: page.host ?? fieldText(props.$host, 255),
    pathname: page.pathname ?? fieldText(props.$pathname),
    referrer: page.referrer,
    referringDomain: page.referringDomain,
    utmSource: page.utmSource ?? fieldText(props.utm_source),
    utmMedium: page.utmMedium ?? fieldText(props.utm_medium),
    utmCampaign: page.utmCampaign ?? fieldText(props.utm_campaign),
    utmTerm: page.utmTerm ?? fieldText(props.utm_term),
    utmContent: page.utmContent ?? fieldText(props.utm_content),
    device: parsed.device === "bot" ? "bot" : (clientDevice ?? parsed.device),
    browser: clientBrowser ?? parsed.browser,
    browserVersion: clientBrowser ? fieldText(props.$browser_version, MAX_CLIENT_NAME) : parsed.browserVersion,
    os: clientOs ?? parsed.os,
    osVersion: clientOs ? fieldText(props.$os_version, MAX_CLIENT_NAME) : parsed.osVersion,
    country: geo?.country ?? null,
    city: geo?.city ?? null,
    ip: storedIp(event.ip, opts.ipMode),
  };
}
