import { describe, expect, it } from "vitest";
import { fromClientProperties, parseUserAgent } from "../../server/ingest/enrich/user-agent";

// Real User-Agent strings as the named browsers and crawlers send them.
const UA = {
  chromeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  edgeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
  chromeAndroidPhone:
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
  chromeAndroidReduced: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
  safariIpad:
    "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1",
  safariIpadDesktopMode:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  chromeGalaxyTab: "Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  firefoxUbuntu: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
  chromeOs: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  googlebotSmartphone:
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  bingbot: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  curl: "curl/8.5.0",
  pythonRequests: "python-requests/2.31.0",
  headlessChrome:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
  playStation5:
    "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15",
};

describe("parseUserAgent", () => {
  it("reads Chrome on Windows as a desktop", () => {
    expect(parseUserAgent(UA.chromeWindows)).toEqual({
      device: "desktop",
      browser: "Chrome",
      browserVersion: "124.0.0.0",
      os: "Windows",
      osVersion: "10",
    });
    expect(parseUserAgent(UA.edgeWindows)).toMatchObject({ device: "desktop", browser: "Edge", browserVersion: "124.0.2478.51" });
  });

  it("reads Safari on iPhone as mobile iOS", () => {
    expect(parseUserAgent(UA.safariIphone)).toEqual({
      device: "mobile",
      browser: "Mobile Safari",
      browserVersion: "17.4.1",
      os: "iOS",
      osVersion: "17.4.1",
    });
  });

  it("reads Chrome on an Android phone as mobile", () => {
    expect(parseUserAgent(UA.chromeAndroidPhone)).toEqual({
      device: "mobile",
      browser: "Chrome",
      browserVersion: "116.0.0.0",
      os: "Android",
      osVersion: "13",
    });
    // Chrome's reduced User-Agent ("Android 10; K") still says Mobile
    expect(parseUserAgent(UA.chromeAndroidReduced)).toMatchObject({ device: "mobile", os: "Android", browserVersion: "124.0.6367.82" });
  });

  it("reads iPad Safari and an Android tablet as tablets", () => {
    expect(parseUserAgent(UA.safariIpad)).toEqual({
      device: "tablet",
      browser: "Mobile Safari",
      browserVersion: "12.1",
      os: "iOS",
      osVersion: "12.2",
    });
    expect(parseUserAgent(UA.chromeGalaxyTab)).toMatchObject({ device: "tablet", os: "Android", osVersion: "12" });
  });

  it("reads an iPadOS 13+ Safari (which sends a Mac User-Agent) as a Mac desktop: a known limit", () => {
    expect(parseUserAgent(UA.safariIpadDesktopMode)).toEqual({
      device: "desktop",
      browser: "Safari",
      browserVersion: "17.4",
      os: "Mac OS",
      osVersion: "10.15.7",
    });
  });

  it("reads Firefox on Linux and on Ubuntu, and ChromeOS, as desktops", () => {
    expect(parseUserAgent(UA.firefoxLinux)).toEqual({
      device: "desktop",
      browser: "Firefox",
      browserVersion: "125.0",
      os: "Linux",
      osVersion: null,
    });
    expect(parseUserAgent(UA.firefoxUbuntu)).toMatchObject({ device: "desktop", browser: "Firefox", browserVersion: "115.0", os: "Ubuntu" });
    expect(parseUserAgent(UA.chromeOs)).toMatchObject({ device: "desktop", os: "Chromium OS", osVersion: "14541.0.0" });
  });

  it("marks crawlers and scripted clients as bots, naming the crawler when no browser is parsed", () => {
    expect(parseUserAgent(UA.googlebot)).toEqual({ device: "bot", browser: "Googlebot", browserVersion: "2.1", os: null, osVersion: null });
    expect(parseUserAgent(UA.bingbot)).toMatchObject({ device: "bot", browser: "bingbot", browserVersion: "2.0" });
    expect(parseUserAgent(UA.curl)).toEqual({ device: "bot", browser: "curl", browserVersion: "8.5.0", os: null, osVersion: null });
    expect(parseUserAgent(UA.pythonRequests)).toMatchObject({ device: "bot", browser: "python-requests", browserVersion: "2.31.0" });
    // Googlebot smartphone looks like Chrome on Android, but is still a bot
    expect(parseUserAgent(UA.googlebotSmartphone)).toMatchObject({ device: "bot", browser: "Chrome", os: "Android" });
    expect(parseUserAgent("Mozilla/5.0 (X11; Linux x86_64) spider")).toMatchObject({ device: "bot", browser: null });
    expect(parseUserAgent(UA.headlessChrome)).toMatchObject({ device: "bot", browser: "Chrome Headless", os: "Linux" });
  });

  it("gives no device bucket to consoles, and nulls for empty or unknown strings", () => {
    expect(parseUserAgent(UA.playStation5)).toMatchObject({ device: null, os: "PlayStation", osVersion: "5" });
    const empty = { device: null, browser: null, browserVersion: null, os: null, osVersion: null };
    expect(parseUserAgent(null)).toEqual(empty);
    expect(parseUserAgent(undefined)).toEqual(empty);
    expect(parseUserAgent("")).toEqual(empty);
    expect(parseUserAgent("   ")).toEqual(empty);
    expect(parseUserAgent("Mozilla/5.0 (Unheard-of Device) Unknown Browser")).toMatchObject({ device: null, browser: null, os: null });
  });

  it("returns the cached, frozen result for a repeated string and survives huge input", () => {
    const first = parseUserAgent(UA.chromeWindows);
    expect(parseUserAgent(UA.chromeWindows)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const huge = UA.chromeWindows + " x".repeat(200_000);
    expect(parseUserAgent(huge)).toMatchObject({ device: "desktop", browser: "Chrome" });
  });
});

describe("fromClientProperties", () => {
  it("takes posthog-js's own $browser, $os and $device_type", () => {
    expect(
      fromClientProperties({ $browser: "Chrome", $browser_version: 124, $os: "Mac OS X", $os_version: "14.4.1", $device_type: "Desktop" }),
    ).toEqual({ browser: "Chrome", browserVersion: "124", os: "Mac OS X", osVersion: "14.4.1", device: "desktop" });
    expect(fromClientProperties({ $device_type: "Mobile" })).toEqual({ device: "mobile" });
    expect(fromClientProperties({ $device_type: "Tablet" })).toEqual({ device: "tablet" });
  });

  it("pairs a name with its own version only, and ignores what is missing or odd", () => {
    expect(fromClientProperties({ $browser: "Firefox" })).toEqual({ browser: "Firefox", browserVersion: null });
    expect(fromClientProperties({ $browser_version: 12 })).toEqual({});
    expect(fromClientProperties({ $browser: 42 as unknown as string, $os: "" })).toEqual({ browser: "42", browserVersion: null });
    expect(fromClientProperties({ $device_type: "Console" })).toEqual({});
    expect(fromClientProperties({ $device_type: "constructor" })).toEqual({});
    expect(fromClientProperties({ $browser: { name: "x" } })).toEqual({});
    expect(fromClientProperties(null)).toEqual({});
    expect(fromClientProperties({ $os: "x".repeat(10_000) }).os).toHaveLength(128);
  });
});
