import { isbot } from "isbot";
import { UAParser } from "ua-parser-js";
import { fieldText } from "./field-text";
import { RecentCache } from "./recent-cache";

export type DeviceType = "mobile" | "tablet" | "desktop" | "bot";

export interface UserAgentFields {
  device: DeviceType | null;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
}

/** ua-parser-js looks at the first 500 characters anyway; the cap also bounds the cache's memory. */
const MAX_UA_LENGTH = 512;
const CACHE_SIZE = 10_000;

const EMPTY: UserAgentFields = Object.freeze({ device: null, browser: null, browserVersion: null, os: null, osVersion: null });

/** OS names (as ua-parser-js v1 spells them, lower-cased) that mean a desktop when no device type is given. */
const DESKTOP_OS = new Set([
  "windows", "mac os", "chromium os", "linux", "ubuntu", "kubuntu", "xubuntu", "lubuntu", "debian", "fedora",
  "mint", "suse", "opensuse", "gentoo", "arch", "slackware", "mandriva", "centos", "red hat", "redhat",
  "pclinuxos", "zenwalk", "linpus", "mageia", "vectorlinux", "deepin", "manjaro", "elementary os", "sabayon",
  "linspire", "raspbian", "freebsd", "netbsd", "openbsd", "pc-bsd", "ghostbsd", "dragonfly", "solaris",
  "opensolaris", "haiku", "unix", "gnu", "hurd",
]);

/** ua-parser-js device types folded into ours; console, smarttv, embedded and xr have no bucket. */
const DEVICE_TYPES: ReadonlyMap<string, DeviceType> = new Map<string, DeviceType>([
  ["mobile", "mobile"],
  ["tablet", "tablet"],
  ["wearable", "mobile"],
]);

/** A crawler's own product token: `(compatible; Googlebot/2.1; ...)`, else a leading `curl/8.5.0` (not `Mozilla/5.0`). */
const COMPATIBLE_PRODUCT = /compatible;\s*([A-Za-z][\w.-]*)\/v?(\d[\d.]*)/;
const LEADING_PRODUCT = /^(?!Mozilla\/)([A-Za-z][\w.-]*)\/v?(\d[\d.]*)/;

const parser = new UAParser();
const cache = new RecentCache<string, UserAgentFields>(CACHE_SIZE);

function parse(ua: string): UserAgentFields {
  const result = parser.setUA(ua).getResult();
  let browser = result.browser.name ?? null;
  let browserVersion = result.browser.version ?? null;
  const os = result.os.name ?? null;
  let device: DeviceType | null;
  if (isbot(ua)) {
    device = "bot";
    if (!browser) {
      const match = COMPATIBLE_PRODUCT.exec(ua) ?? LEADING_PRODUCT.exec(ua);
      if (match) {
        browser = match[1] ?? null;
        browserVersion = match[2] ?? null;
      }
    }
  } else if (result.device.type) device = DEVICE_TYPES.get(result.device.type) ?? null;
  else device = os && DESKTOP_OS.has(os.toLowerCase()) ? "desktop" : null;
  return Object.freeze({ device, browser, browserVersion, os, osVersion: result.os.version ?? null });
}

/**
 * Device class, browser and OS from a User-Agent header, via ua-parser-js v1 (MIT) and isbot for
 * crawlers and scripted clients (which become device "bot"). Results are shared, frozen objects
 * from a 10k-entry LRU cache, since a site's traffic repeats a few thousand distinct strings.
 * Known limit: iPadOS 13+ Safari sends a Mac desktop User-Agent and parses as a Mac desktop.
 */
export function parseUserAgent(ua: string | null | undefined): UserAgentFields {
  if (typeof ua !== "string" || ua.length === 0) return EMPTY;
  const key = ua.length > MAX_UA_LENGTH ? ua.slice(0, MAX_UA_LENGTH) : ua;
  let fields = cache.get(key);
  if (fields === undefined) {
    fields = key.trim().length === 0 ? EMPTY : parse(key);
    cache.set(key, fields);
  }
  return fields;
}

/** posthog-js `$device_type` values, lower-cased, mapped to ours ("Console" has no bucket). */
const CLIENT_DEVICE_TYPES: ReadonlyMap<string, DeviceType> = new Map<string, DeviceType>([
  ["mobile", "mobile"],
  ["tablet", "tablet"],
  ["desktop", "desktop"],
  ["wearable", "mobile"],
  ["bot", "bot"],
]);

/** Names and versions are short; cap what a client may put into these columns. */
export const MAX_CLIENT_NAME = 128;

/** The device class of a client-sent `$device_type`, when it names one of ours. */
export function clientDeviceType(value: unknown): DeviceType | undefined {
  const deviceType = fieldText(value, MAX_CLIENT_NAME);
  return deviceType ? CLIENT_DEVICE_TYPES.get(deviceType.toLowerCase()) : undefined;
}

/**
 * What the client itself reported (posthog-js sends `$browser`, `$browser_version`, `$os`,
 * `$os_version`, `$device_type`). Only fields the client sent are present; browser and OS come
 * with their own version (or null) so a client's name is never paired with a parsed version.
 */
export function fromClientProperties(props: Record<string, unknown> | null | undefined): Partial<UserAgentFields> {
  const fields: Partial<UserAgentFields> = {};
  if (!props) return fields;
  const browser = fieldText(props.$browser, MAX_CLIENT_NAME);
  if (browser) {
    fields.browser = browser;
    fields.browserVersion = fieldText(props.$browser_version, MAX_CLIENT_NAME);
  }
  const os = fieldText(props.$os, MAX_CLIENT_NAME);
  if (os) {
    fields.os = os;
    fields.osVersion = fieldText(props.$os_version, MAX_CLIENT_NAME);
  }
  const device = clientDeviceType(props.$device_type);
  if (device) fields.device = device;
  return fields;
}
