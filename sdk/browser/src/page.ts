import type { Properties } from "./types.js";

export const UTM_KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;

/** Where the visitor is and where they came from, sent with every event. */
export function pageProperties(): Properties {
  const referrer = document.referrer;
  return {
    $current_url: location.href,
    $host: location.host,
    $pathname: location.pathname,
    $referrer: referrer || "$direct",
    $referring_domain: referrer ? hostOf(referrer) : "$direct",
  };
}

export function utmParams(search: string): Properties {
  const params = new URLSearchParams(search);
  const out: Properties = {};
  for (const key of UTM_KEYS) {
    const value = params.get(key);
    if (value) out[key] = value;
  }
  return out;
}

/** Person properties recorded once, from the first event this browser sends. */
export function initialProperties(page: Properties, utm: Properties): Properties {
  const out: Properties = {
    $initial_current_url: page.$current_url,
    $initial_pathname: page.$pathname,
    $initial_referrer: page.$referrer,
    $initial_referring_domain: page.$referring_domain,
  };
  for (const [key, value] of Object.entries(utm)) out[`$initial_${key}`] = value;
  return out;
}

export function doNotTrack(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean; msDoNotTrack?: string };
  const win = window as Window & { doNotTrack?: string };
  return [nav.doNotTrack, win.doNotTrack, nav.msDoNotTrack].some((v) => v === "1" || v === "yes") || nav.globalPrivacyControl === true;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
