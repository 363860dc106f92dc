import { allow, type AllowListed } from "./sql";

/**
 * Event property keys that ingestion extracts into columns of `events` (see server/ingest/enrich).
 * A filter or breakdown on one of these keys reads the column; any other key reads
 * `properties ->> key` with the key as a bind parameter.
 */
export const EVENT_COLUMNS: Readonly<Record<string, AllowListed>> = {
  distinct_id: allow("distinct_id"),
  $session_id: allow("session_id"),
  $current_url: allow("url"),
  $host: allow("host"),
  $pathname: allow("pathname"),
  $referrer: allow("referrer"),
  $referring_domain: allow("referring_domain"),
  $device_type: allow("device"),
  $browser: allow("browser"),
  $browser_version: allow("browser_version"),
  $os: allow("os"),
  $os_version: allow("os_version"),
  $geoip_country_code: allow("country"),
  $geoip_city_name: allow("city"),
  utm_source: allow("utm_source"),
  utm_medium: allow("utm_medium"),
  utm_campaign: allow("utm_campaign"),
  utm_term: allow("utm_term"),
  utm_content: allow("utm_content"),
  revenue: allow("revenue"),
};

/** Columns of those that are numeric in `events` (compared as numbers, not text). */
export const NUMERIC_COLUMNS = new Set<string>(["revenue"]);

export function eventColumn(key: string): AllowListed | null {
  return Object.prototype.hasOwnProperty.call(EVENT_COLUMNS, key) ? EVENT_COLUMNS[key]! : null;
}
