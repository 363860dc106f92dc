import type { IngestRow } from "./ingest-row";

export const EVENT_COLUMNS = [
  "project_id", "uuid", "event", "timestamp", "distinct_id", "person_id", "session_id",
  "url", "host", "pathname", "referrer", "referring_domain", "device", "browser", "browser_version",
  "os", "os_version", "country", "city", "utm_source", "utm_medium", "utm_campaign", "utm_term",
  "utm_content", "revenue", "ip", "properties",
] as const;

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One field in PostgreSQL's COPY text format. */
function field(v: string | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : v;
}

/** The COPY text lines for `rows` (with their resolved persons), in EVENT_COLUMNS order. */
export function copyText(rows: IngestRow[], personIds: string[]): string {
  let out = "";
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const f = r.fields;
    out +=
      r.projectId + "\t" + r.uuid + "\t" + field(r.event) + "\t" + new Date(r.ts).toISOString() + "\t" +
      field(r.distinctId) + "\t" + personIds[i] + "\t" + field(r.sessionId) + "\t" +
      field(f.url) + "\t" + field(f.host) + "\t" + field(f.pathname) + "\t" + field(f.referrer) + "\t" +
      field(f.referringDomain) + "\t" + field(f.device) + "\t" + field(f.browser) + "\t" + field(f.browserVersion) + "\t" +
      field(f.os) + "\t" + field(f.osVersion) + "\t" + field(f.country) + "\t" + field(f.city) + "\t" +
      field(f.utmSource) + "\t" + field(f.utmMedium) + "\t" + field(f.utmCampaign) + "\t" + field(f.utmTerm) + "\t" +
      field(f.utmContent) + "\t" + (r.revenue === null ? "\\N" : String(r.revenue)) + "\t" + field(f.ip) + "\t" +
      field(r.propertiesJson ?? JSON.stringify(r.properties)) + "\n";
  }
  return out;
}
