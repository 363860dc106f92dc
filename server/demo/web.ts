import type { Rng } from "./prng";
import type { UserAgentInfo, Channel } from "./world";

/** The demo site's pages, referrers and web vitals. */

export const SITE_HOST = "travel.example";
export const SITE = `https://${SITE_HOST}`;

export interface Landing {
  referrer: string;
  referringDomain: string;
  /** Query parameters that land on the URL and become properties (utm_*, gclid ...). */
  params: Record<string, string>;
}

const cpcCampaigns = ["brand", "flights-generic", "routes-europe", "routes-transatlantic"];
const socialCampaigns = ["summer-deals", "retargeting", "city-breaks"];

export function landingFor(rng: Rng, channel: Channel, ua: UserAgentInfo, campaign?: string): Landing {
  switch (channel) {
    case "google_organic":
      return { referrer: "https://www.google.com/", referringDomain: "www.google.com", params: {} };
    case "google_cpc":
      return {
        referrer: "https://www.google.com/",
        referringDomain: "www.google.com",
        params: { utm_source: "google", utm_medium: "cpc", utm_campaign: rng.pick(cpcCampaigns), gclid: `Cj0K${rng.chars(20, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}` },
      };
    case "facebook": {
      const domain = ua.device === "desktop" ? "l.facebook.com" : "m.facebook.com";
      return {
        referrer: `https://${domain}/`,
        referringDomain: domain,
        params: { utm_source: "facebook", utm_medium: "paid_social", utm_campaign: rng.pick(socialCampaigns) },
      };
    }
    case "newsletter":
      return {
        referrer: "$direct",
        referringDomain: "$direct",
        params: { utm_source: "newsletter", utm_medium: "email", utm_campaign: campaign ?? "weekly-deals" },
      };
    case "direct":
      return { referrer: "$direct", referringDomain: "$direct", params: {} };
  }
}

export function urlOf(path: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  if (!q) return `${SITE}${path}`;
  return `${SITE}${path}${path.includes("?") ? "&" : "?"}${q}`;
}

export function slug(city: string): string {
  return city.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export const browsePages: ReadonlyArray<readonly [string, string]> = [
  ["/deals", "Flight deals | Travel Example"],
  ["/help/baggage", "Baggage allowance | Travel Example"],
  ["/help/refunds", "Refunds and cancellations | Travel Example"],
  ["/about", "About us | Travel Example"],
];

export const HOME_TITLE = "Cheap flights and holidays | Travel Example";

interface VitalsProfile {
  lcp: number;
  inp: number;
  cls: number;
  ttfb: number;
}

const vitalsProfiles: Record<string, VitalsProfile> = {
  desktop: { lcp: 1700, inp: 110, cls: 0.03, ttfb: 320 },
  tablet: { lcp: 2200, inp: 170, cls: 0.05, ttfb: 450 },
  mobile: { lcp: 2600, inp: 220, cls: 0.07, ttfb: 520 },
  bad: { lcp: 6200, inp: 650, cls: 0.22, ttfb: 1300 },
};

/** `$web_vitals_*_value` properties for one page load (ms; CLS unitless), worse on mobile. */
export function webVitals(rng: Rng, ua: UserAgentInfo): Record<string, number> {
  const p = vitalsProfiles[ua.bad ? "bad" : ua.device] as VitalsProfile;
  const lcp = rng.lognormal(p.lcp, 0.35);
  const ttfb = Math.min(rng.lognormal(p.ttfb, 0.4), lcp * 0.6);
  const fcp = Math.max(ttfb + 50, lcp * rng.uniform(0.45, 0.8));
  return {
    $web_vitals_LCP_value: Math.round(lcp),
    $web_vitals_INP_value: Math.round(rng.lognormal(p.inp, 0.5)),
    $web_vitals_CLS_value: Math.round(rng.lognormal(p.cls, 0.7) * 1000) / 1000,
    $web_vitals_FCP_value: Math.round(fcp),
    $web_vitals_TTFB_value: Math.round(ttfb),
  };
}
