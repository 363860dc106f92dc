/** Longest string any enrichment field keeps (URLs, referrers, UTM values, client-sent names). */
export const MAX_FIELD_LENGTH = 2048;

/**
 * A client-sent value as a column string: strings only, trimmed, capped at `max` characters,
 * empty -> null. Numbers are accepted too (posthog-js sends `$browser_version` as a number).
 */
export function fieldText(value: unknown, max = MAX_FIELD_LENGTH): string | null {
  let text: string;
  if (typeof value === "string") text = value.length > max * 2 ? value.slice(0, max * 2) : value;
  else if (typeof value === "number" && Number.isFinite(value)) text = String(value);
  else return null;
  text = text.trim();
  if (text.length === 0) return null;
  return text.length > max ? text.slice(0, max) : text;
}
