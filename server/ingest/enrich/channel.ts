/** Marketing channel of a visit, from where it came and its campaign tags. */
export type Channel = "search" | "social" | "email" | "paid" | "direct" | "referral";

export interface ChannelSignals {
  utmSource?: string | null;
  utmMedium?: string | null;
  /** Name of an ad click-id parameter present on the landing URL (gclid, fbclid, msclkid ...). */
  clickId?: string | null;
}

/** Ad platforms' click-id parameters; any of them on a landing URL means a paid click. */
export const CLICK_ID_PARAMS: readonly string[] = ["gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "ttclid", "twclid", "li_fat_id"];

type DomainChannel = "search" | "social" | "email";

/** Known hosts (a suffix match: `l.facebook.com` counts as facebook.com), Android app referrers included. */
const DOMAINS = new Map<string, DomainChannel>();
const add = (channel: DomainChannel, hosts: string) => {
  for (const host of hosts.split(/\s+/)) if (host) DOMAINS.set(host, channel);
};
add("email", `mail.google.com inbox.google.com com.google.android.gm outlook.live.com outlook.office.com
  outlook.office365.com mail.yahoo.com mail.aol.com mail.proton.me mail.protonmail.com app.fastmail.com
  mail.yandex.ru mail.yandex.com e.mail.ru mail.zoho.com mail.zoho.eu`);
add("search", `google.com bing.com search.yahoo.com yahoo.com duckduckgo.com baidu.com yandex.ru yandex.com
  ya.ru ecosia.org search.brave.com startpage.com qwant.com naver.com seznam.cz ask.com search.aol.com
  sogou.com kagi.com com.google.android.googlequicksearchbox`);
add("social", `facebook.com fb.com fb.me messenger.com instagram.com twitter.com x.com t.co linkedin.com
  lnkd.in reddit.com redd.it pinterest.com pin.it youtube.com youtu.be tiktok.com snapchat.com tumblr.com
  news.ycombinator.com mastodon.social threads.net bsky.app vk.com quora.com discord.com discord.gg
  whatsapp.com wa.me t.me telegram.org weibo.com xing.com com.facebook.katana com.instagram.android
  com.twitter.android com.linkedin.android com.reddit.frontpage org.telegram.messenger`);

/** Search engines also seen under country domains: google.co.uk, yahoo.co.jp, bing.de ... */
const SEARCH_BRANDS = new Set(["google", "bing", "yahoo", "yandex", "baidu", "duckduckgo", "ecosia", "qwant", "startpage", "naver", "seznam", "ask"]);
/** The first label of webmail hosts not listed above: mail.example.com, webmail.example.org. */
const MAIL_LABELS = new Set(["mail", "webmail", "email"]);
const COUNTRY_SUFFIX = /^(?:[a-z]{2,3}\.)?[a-z]{2,3}$/;
const PAID_MEDIUMS = new Set(["cpc", "ppc", "cpm", "cpv", "cpa", "display", "banner", "ads", "ad"]);
const EMAIL_MEDIUMS = new Set(["email", "e-mail", "e_mail", "newsletter"]);
const SOCIAL_MEDIUMS = new Set(["social", "social-network", "social-media", "social_media", "sm", "organic_social"]);

function domainChannel(domain: string): DomainChannel | null {
  let host = domain.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  for (let rest = host; ; ) {
    const channel = DOMAINS.get(rest);
    if (channel) return channel;
    const dot = rest.indexOf(".");
    if (dot === -1 || rest.indexOf(".", dot + 1) === -1) break; // keep at least two labels
    rest = rest.slice(dot + 1);
  }
  const firstDot = host.indexOf(".");
  if (firstDot === -1) return null;
  const first = host.slice(0, firstDot);
  if (MAIL_LABELS.has(first)) return "email";
  const brandHost = first === "www" || first === "m" ? host.slice(firstDot + 1) : host;
  const brandDot = brandHost.indexOf(".");
  if (brandDot !== -1 && SEARCH_BRANDS.has(brandHost.slice(0, brandDot)) && COUNTRY_SUFFIX.test(brandHost.slice(brandDot + 1))) return "search";
  return null;
}

/**
 * The channel of a visit: paid (cpc/ppc/paid* medium or an ad click id) first, then email and
 * social by medium or referring host, search by host, direct when there is no referrer and no
 * campaign source, else referral. `referringDomain` is a host name or PostHog's "$direct".
 */
export function classifyReferrer(referringDomain: string | null | undefined, signals: ChannelSignals = {}): Channel {
  const medium = signals.utmMedium ? signals.utmMedium.trim().toLowerCase() : "";
  if (signals.clickId || PAID_MEDIUMS.has(medium) || medium.startsWith("paid")) return "paid";
  if (EMAIL_MEDIUMS.has(medium)) return "email";
  if (SOCIAL_MEDIUMS.has(medium)) return "social";
  const domain = referringDomain && referringDomain !== "$direct" ? referringDomain : null;
  if (domain) {
    const channel = domainChannel(domain);
    if (channel) return channel;
    return "referral";
  }
  return signals.utmSource ? "referral" : "direct";
}
