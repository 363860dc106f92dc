import { describe, expect, it } from "vitest";
import { classifyReferrer, parseUrlFields } from "../../server/ingest/enrich/url";

describe("parseUrlFields", () => {
  it("splits a landing page URL with UTM tags and a Google referrer", () => {
    const fields = parseUrlFields(
      "https://shop.example.com:8443/products/shoes?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=running+shoes&utm_content=hero",
      "https://www.google.com/",
    );
    expect(fields).toEqual({
      url: "https://shop.example.com:8443/products/shoes?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=running+shoes&utm_content=hero",
      host: "shop.example.com:8443",
      pathname: "/products/shoes",
      referrer: "https://www.google.com/",
      referringDomain: "www.google.com",
      utmSource: "newsletter",
      utmMedium: "email",
      utmCampaign: "spring sale",
      utmTerm: "running shoes",
      utmContent: "hero",
      clickId: null,
    });
  });

  it("records no referrer as $direct, like PostHog (and takes posthog-js's own $direct)", () => {
    for (const referrer of [undefined, null, "", "   ", "$direct"]) {
      const fields = parseUrlFields("https://example.com/", referrer);
      expect(fields.referrer).toBeNull();
      expect(fields.referringDomain).toBe("$direct");
    }
  });

  it("reads real referrer forms: t.co, Facebook's link shim, the Gmail app, a bare host", () => {
    expect(parseUrlFields("https://example.com/", "https://t.co/").referringDomain).toBe("t.co");
    expect(parseUrlFields("https://example.com/", "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2F").referringDomain).toBe(
      "l.facebook.com",
    );
    expect(parseUrlFields("https://example.com/", "android-app://com.google.android.gm/").referringDomain).toBe("com.google.android.gm");
    expect(parseUrlFields("https://example.com/", "news.ycombinator.com").referringDomain).toBe("news.ycombinator.com");
    expect(parseUrlFields("https://example.com/", "HTTPS://WWW.Bing.COM/search?q=x").referringDomain).toBe("www.bing.com");
  });

  it("notes ad click ids", () => {
    expect(parseUrlFields("https://example.com/?gclid=Cj0KCQjw", null).clickId).toBe("gclid");
    expect(parseUrlFields("https://example.com/?fbclid=IwAR2x", null).clickId).toBe("fbclid");
    expect(parseUrlFields("https://example.com/?msclkid=3f2a", null).clickId).toBe("msclkid");
    expect(parseUrlFields("https://example.com/?gclid=", null).clickId).toBeNull();
  });

  it("reads the path and tags of a relative URL, without a host", () => {
    expect(parseUrlFields("/pricing?utm_source=x", null)).toMatchObject({ url: "/pricing?utm_source=x", host: null, pathname: "/pricing", utmSource: "x" });
  });

  it("never throws on garbage and caps every field at 2048 characters", () => {
    const garbage: unknown[] = ["not a url", "http://", "://", "http://[::1", "%%%", 42, {}, [], true, "\u0000", "javascript:alert(1)"];
    for (const value of garbage) {
      expect(() => parseUrlFields(value, value)).not.toThrow();
    }
    expect(parseUrlFields("not a url", "not a referrer")).toMatchObject({ url: "not a url", host: null, pathname: null, referringDomain: null });
    expect(parseUrlFields({}, 42)).toMatchObject({ url: null, referrer: "42" });
    expect(parseUrlFields("https://example.com/", "/relative/path").referringDomain).toBeNull();

    const huge = `https://example.com/${"a".repeat(5_000_000)}?utm_source=${"s".repeat(5000)}`;
    const fields = parseUrlFields(huge, huge);
    expect(fields.url).toHaveLength(2048);
    expect(fields.referrer).toHaveLength(2048);
    expect(fields.host).toBe("example.com");
    expect(fields.referringDomain).toBe("example.com");
    const longTag = parseUrlFields(`https://example.com/?utm_campaign=${"c".repeat(1500)}&utm_term=${"t".repeat(3000)}`, null);
    expect(longTag.utmCampaign).toHaveLength(1500);
    expect(longTag.utmTerm?.length).toBeLessThanOrEqual(2048);
  });
});

describe("classifyReferrer", () => {
  it("finds search engines, country domains included", () => {
    for (const domain of ["www.google.com", "google.co.uk", "www.google.com.br", "www.bing.com", "duckduckgo.com", "search.yahoo.com", "yandex.ru", "www.ecosia.org", "search.brave.com", "com.google.android.googlequicksearchbox"]) {
      expect(classifyReferrer(domain), domain).toBe("search");
    }
  });

  it("finds social networks", () => {
    for (const domain of ["l.facebook.com", "m.facebook.com", "t.co", "www.linkedin.com", "lnkd.in", "old.reddit.com", "out.reddit.com", "www.youtube.com", "news.ycombinator.com", "x.com", "com.linkedin.android"]) {
      expect(classifyReferrer(domain), domain).toBe("social");
    }
  });

  it("finds webmail, by host or by utm_medium", () => {
    expect(classifyReferrer("mail.google.com")).toBe("email");
    expect(classifyReferrer("com.google.android.gm")).toBe("email");
    expect(classifyReferrer("outlook.live.com")).toBe("email");
    expect(classifyReferrer("webmail.example.org")).toBe("email");
    expect(classifyReferrer("$direct", { utmMedium: "email", utmSource: "newsletter" })).toBe("email");
  });

  it("calls cpc, ppc, paid* mediums and click ids paid, whatever the referrer", () => {
    expect(classifyReferrer("www.google.com", { utmMedium: "cpc" })).toBe("paid");
    expect(classifyReferrer("$direct", { utmMedium: "PPC" })).toBe("paid");
    expect(classifyReferrer("l.facebook.com", { utmMedium: "paid_social" })).toBe("paid");
    expect(classifyReferrer("www.google.com", { clickId: "gclid" })).toBe("paid");
    expect(classifyReferrer("www.bing.com", { clickId: "msclkid" })).toBe("paid");
  });

  it("tells direct from referral", () => {
    expect(classifyReferrer("$direct")).toBe("direct");
    expect(classifyReferrer(null)).toBe("direct");
    expect(classifyReferrer("$direct", { utmSource: "partner" })).toBe("referral");
    expect(classifyReferrer("blog.example.org")).toBe("referral");
    expect(classifyReferrer("googleblog.com")).toBe("referral");
    expect(classifyReferrer("google.example.com")).toBe("referral");
    expect(classifyReferrer("localhost")).toBe("referral");
  });
});
