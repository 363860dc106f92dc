/**
 * Cookieless visitor ids, the way Plausible and PostHog's cookieless mode count visitors without
 * storing anything on the device: the id is a SHA-256 over (daily salt, project, site host, IP,
 * User-Agent), so the same browser on the same network gets the same id all day and a new,
 * unlinkable one the next day.
 *
 * Why raw IPs are never stored in this mode: the IP is what makes the hash identify a visitor.
 * Kept next to the hash, anyone with the database could recompute the id for any day and link the
 * visitor across days, undoing the daily rotation; so the pipeline hashes first and stores the
 * event with its IP dropped (ipMode "drop"), keeping only the country and city looked up before.
 *
 * The salt here is derived from a server secret (HMAC), which is stateless but means whoever holds
 * the secret can recompute any past day's salt. For unlinkability even against the operator, store
 * a random salt per day instead and delete it after the day (Plausible's approach); the id function
 * takes the salt either way.
 */
import { createHash, createHmac } from "node:crypto";
import { canonicalIp } from "./ip-address";
import { headerValue, type HeaderSource } from "./request-headers";

export interface CookielessParts {
  projectId: string | number;
  ip: string | null | undefined;
  userAgent: string | null | undefined;
  /** The site's host, so the same visitor on two sites of one project counts twice, as with cookies. */
  host: string | null | undefined;
  /** UTC day as YYYY-MM-DD (or a Date, read in UTC). */
  day: string | Date;
  /** From `dailySalt` (or a random per-day salt); never stored beside the events. */
  salt: string;
}

const ID_PREFIX = "cookieless_";
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayText(day: string | Date): string {
  if (day instanceof Date) {
    if (Number.isNaN(day.getTime())) throw new RangeError("cookieless day is an invalid Date");
    return day.toISOString().slice(0, 10);
  }
  if (!DAY.test(day)) throw new RangeError(`cookieless day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return day;
}

/** The salt for one UTC day: HMAC-SHA256(secret, day), hex. Rotates at midnight UTC. */
export function dailySalt(secret: string, day: string | Date): string {
  if (!secret) throw new Error("cookieless mode needs a non-empty secret");
  return createHmac("sha256", secret).update(`foresight-cookieless:${dayText(day)}`).digest("hex");
}

/**
 * A distinct id stable for one visitor (IP + User-Agent) on one site for one day:
 * `cookieless_` and 32 hex characters (128 bits of SHA-256). Parts are NUL-separated so no two
 * different part lists hash the same text; the IP is canonicalised (`::ffff:1.2.3.4` = `1.2.3.4`).
 */
export function cookielessDistinctId(parts: CookielessParts): string {
  if (!parts.salt) throw new Error("cookieless id needs a salt");
  const hash = createHash("sha256");
  hash.update(parts.salt);
  for (const part of [dayText(parts.day), String(parts.projectId), parts.host ?? "", canonicalIp(parts.ip) ?? "", parts.userAgent ?? ""]) {
    hash.update("\u0000");
    hash.update(part);
  }
  return ID_PREFIX + hash.digest("hex").slice(0, 32);
}

/** The browser asked not to be tracked: `DNT: 1` or Global Privacy Control's `Sec-GPC: 1`. */
export function isDoNotTrack(headers: HeaderSource | null | undefined): boolean {
  return headerValue(headers, "dnt")?.trim() === "1" || headerValue(headers, "sec-gpc")?.trim() === "1";
}
