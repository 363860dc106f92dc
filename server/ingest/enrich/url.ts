import type { EnrichedFields } from "../captured-event";
import { CLICK_ID_PARAMS } from "./channel";
import { MAX_FIELD_LENGTH, fieldText } from "./field-text";

export { classifyReferrer, type Channel, type ChannelSignals } from "./channel";

/** PostHog's referrer and referring domain for a visit with no referrer. */
export const DIRECT = "$direct";

/** The page fields of EnrichedFields, plus the click id used for channel classification. */
export type UrlFields = Pick<
  EnrichedFields,
  "url" | "host" | "pathname" | "referrer" | "referringDomain" | "utmSource" | "utmMedium" | "utmCampaign" | "utmTerm" | "utmContent"
> & {
  /** The first ad click-id parameter on the URL (gclid, fbclid, msclkid ...). */
  clickId: string | null;
};

/** Base for relative URLs ("/pricing?x=1"): only the path and query are read from the result. */
const RELATIVE_HOST = "relative.invalid";
const RELATIVE_BASE = `http://${RELATIVE_HOST}`;

function parseUrl(text: string): URL | null {
  try {
    return text.charCodeAt(0) === 47 /* / */ && text.charCodeAt(1) !== 47 ? new URL(text, RELATIVE_BASE) : new URL(text);
  } catch {
    return null;
  }
}

function param(params: URLSearchParams, name: string): string | null {
  return fieldText(params.get(name));
}

/**
 * URL, host, path, referrer, referring domain and UTM tags of a page view. Never throws: values
 * that are not strings become null, text is capped at 2048 characters, a URL that does not parse
 * is kept as text with null host and path, and a referrer without a scheme ("google.com") is read
 * as https.
 */
export function parseUrlFields(url: unknown, referrer: unknown): UrlFields {
  const fields: UrlFields = {
    url: fieldText(url, MAX_FIELD_LENGTH),
    host: null,
    pathname: null,
    referrer: fieldText(referrer, MAX_FIELD_LENGTH),
    referringDomain: DIRECT,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    clickId: null,
  };

  const parsed = fields.url ? parseUrl(fields.url) : null;
  if (parsed) {
    if (parsed.hostname !== RELATIVE_HOST) fields.host = parsed.host || null;
    fields.pathname = parsed.pathname || null;
    if (parsed.search.length > 1) {
      const params = parsed.searchParams;
      fields.utmSource = param(params, "utm_source");
      fields.utmMedium = param(params, "utm_medium");
      fields.utmCampaign = param(params, "utm_campaign");
      fields.utmTerm = param(params, "utm_term");
      fields.utmContent = param(params, "utm_content");
      for (const name of CLICK_ID_PARAMS) {
        if (params.get(name)) {
          fields.clickId = name;
          break;
        }
      }
    }
  }

  if (fields.referrer === null || fields.referrer === DIRECT) fields.referrer = null;
  else {
    const text = fields.referrer;
    const ref = text.includes("://") ? parseUrl(text) : text.charCodeAt(0) === 47 ? null : parseUrl(`https://${text}`);
    fields.referringDomain = ref && ref.hostname && ref.hostname !== RELATIVE_HOST ? ref.hostname.toLowerCase() : null;
  }
  return fields;
}
