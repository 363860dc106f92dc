/** Calendar helpers for the demo: UTC days and cached time-zone offsets. */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Midnight UTC of the day containing `ms`. */
export function utcMidnight(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** "YYYY-MM-DD" of a UTC instant. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Offset of `zone` from UTC in milliseconds at instant `ms` (cached per zone and UTC hour). */
export function zoneOffset(zone: string, ms: number): number {
  if (zone === "UTC") return 0;
  const hour = Math.floor(ms / HOUR);
  const key = `${zone}@${hour}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(zone, fmt);
  }
  const at = hour * HOUR;
  const parts = Object.fromEntries(fmt.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  const offset = local - at;
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** The local calendar date ("YYYY-MM-DD") of instant `ms` in `zone`. */
export function localDay(zone: string, ms: number): string {
  const day = Math.floor((ms + zoneOffset(zone, ms)) / DAY);
  let s = dayNames.get(day);
  if (s === undefined) dayNames.set(day, (s = isoDay(day * DAY)));
  return s;
}
const dayNames = new Map<number, string>();

/** Throws on a zone Intl does not know, so a typo fails fast instead of silently meaning UTC. */
export function assertTimeZone(zone: string): void {
  new Intl.DateTimeFormat("en-US", { timeZone: zone });
}
