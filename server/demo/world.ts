import type { Rng } from "./prng";

/**
 * Who visits the demo travel site: countries (with their time zones, home airports and IP ranges),
 * devices with real user-agent strings, and acquisition channels.
 */

export type Country = "GB" | "US" | "DE" | "FR" | "ES" | "IT" | "NL" | "IE" | "PT" | "BE";

export interface CountryInfo {
  code: Country;
  weight: number;
  /** IANA zones with their share of the country's visitors. */
  timeZones: ReadonlyArray<readonly [string, number]>;
  /** Home airports with their share. */
  airports: ReadonlyArray<readonly [string, number]>;
  /**
   * IPv4 blocks that belong to large consumer ISPs of the country (plausible public allocations,
   * good enough for a country-level geo lookup). Host parts are random: no real person behind them.
   */
  ipRanges: readonly string[];
}

export const countries: readonly CountryInfo[] = [
  { code: "GB", weight: 30, timeZones: [["Europe/London", 1]], airports: [["LHR", 0.5], ["LGW", 0.25], ["MAN", 0.15], ["EDI", 0.1]], ipRanges: ["86.128.0.0/10", "81.2.69.0/24"] },
  { code: "US", weight: 17, timeZones: [["America/New_York", 0.65], ["America/Los_Angeles", 0.35]], airports: [["JFK", 0.45], ["BOS", 0.15], ["MIA", 0.1], ["LAX", 0.3]], ipRanges: ["73.0.0.0/8", "216.160.83.0/24"] },
  { code: "DE", weight: 12, timeZones: [["Europe/Berlin", 1]], airports: [["FRA", 0.55], ["MUC", 0.45]], ipRanges: ["91.0.0.0/10"] },
  { code: "FR", weight: 9, timeZones: [["Europe/Paris", 1]], airports: [["CDG", 1]], ipRanges: ["86.192.0.0/11"] },
  { code: "ES", weight: 8, timeZones: [["Europe/Madrid", 1]], airports: [["MAD", 0.55], ["BCN", 0.45]], ipRanges: ["88.0.0.0/11"] },
  { code: "IT", weight: 7, timeZones: [["Europe/Rome", 1]], airports: [["FCO", 1]], ipRanges: ["79.0.0.0/10"] },
  { code: "NL", weight: 6, timeZones: [["Europe/Amsterdam", 1]], airports: [["AMS", 1]], ipRanges: ["77.160.0.0/12"] },
  { code: "IE", weight: 5, timeZones: [["Europe/Dublin", 1]], airports: [["DUB", 1]], ipRanges: ["86.40.0.0/13"] },
  { code: "PT", weight: 3, timeZones: [["Europe/Lisbon", 1]], airports: [["LIS", 1]], ipRanges: ["85.240.0.0/13"] },
  { code: "BE", weight: 3, timeZones: [["Europe/Brussels", 1]], airports: [["AMS", 0.5], ["CDG", 0.5]], ipRanges: ["81.240.0.0/13"] },
];

/** Country -> CIDR blocks the demo draws IPs from (for a geo lookup that must place them). */
export const demoIpRanges: Readonly<Record<Country, readonly string[]>> = Object.fromEntries(
  countries.map((c) => [c.code, c.ipRanges]),
) as Record<Country, readonly string[]>;

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** A random host address (never .0 or .255) inside one of the country's blocks. */
export function randomIp(rng: Rng, info: CountryInfo): string {
  const [base, bits] = rng.pick(info.ipRanges).split("/") as [string, string];
  const size = 2 ** (32 - Number(bits));
  for (;;) {
    const n = (ipToInt(base) + Math.floor(rng.next() * size)) >>> 0;
    const last = n & 255;
    if (last !== 0 && last !== 255) return intToIp(n);
  }
}

export type DeviceType = "desktop" | "mobile" | "tablet";

export interface UserAgentInfo {
  id: string;
  device: DeviceType;
  browser: string;
  os: string;
  ua: string;
  /** Share within its device type. */
  weight: number;
  /** The device with a bad experience: slow pages and flaky payments (a churn cause). */
  bad?: true;
  screen: readonly [number, number];
}

export const deviceWeights: ReadonlyArray<readonly [DeviceType, number]> = [
  ["desktop", 0.48],
  ["mobile", 0.44],
  ["tablet", 0.08],
];

export const userAgents: readonly UserAgentInfo[] = [
  { id: "chrome-windows", device: "desktop", browser: "Chrome", os: "Windows", weight: 0.42, screen: [1920, 1080], ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36" },
  { id: "edge-windows", device: "desktop", browser: "Edge", os: "Windows", weight: 0.12, screen: [1536, 864], ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67" },
  { id: "firefox-windows", device: "desktop", browser: "Firefox", os: "Windows", weight: 0.08, screen: [1920, 1080], ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0" },
  { id: "safari-mac", device: "desktop", browser: "Safari", os: "Mac OS", weight: 0.22, screen: [1440, 900], ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15" },
  { id: "chrome-mac", device: "desktop", browser: "Chrome", os: "Mac OS", weight: 0.16, screen: [1728, 1117], ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36" },
  { id: "safari-iphone", device: "mobile", browser: "Mobile Safari", os: "iOS", weight: 0.45, screen: [390, 844], ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1" },
  { id: "chrome-iphone", device: "mobile", browser: "Chrome", os: "iOS", weight: 0.08, screen: [393, 852], ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1" },
  { id: "chrome-android", device: "mobile", browser: "Chrome", os: "Android", weight: 0.34, screen: [412, 915], ua: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36" },
  { id: "samsung-internet-old", device: "mobile", browser: "Samsung Internet", os: "Android", weight: 0.13, bad: true, screen: [360, 740], ua: "Mozilla/5.0 (Linux; Android 9; SM-J530F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/12.1 Chrome/79.0.3945.136 Mobile Safari/537.36" },
  { id: "safari-ipad", device: "tablet", browser: "Mobile Safari", os: "iOS", weight: 0.7, screen: [820, 1180], ua: "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1" },
  { id: "chrome-android-tablet", device: "tablet", browser: "Chrome", os: "Android", weight: 0.3, screen: [800, 1280], ua: "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36" },
];

export type Channel = "google_organic" | "google_cpc" | "facebook" | "newsletter" | "direct";

export const channelWeights: ReadonlyArray<readonly [Channel, number]> = [
  ["google_organic", 0.33],
  ["google_cpc", 0.2],
  ["facebook", 0.12],
  ["newsletter", 0.08],
  ["direct", 0.27],
];

/** How strongly each channel's visitors intend to book (multiplies the funnel's first steps). */
export const channelIntent: Readonly<Record<Channel, number>> = {
  google_organic: 1,
  google_cpc: 1.15,
  facebook: 0.75,
  newsletter: 1.1,
  direct: 1.05,
};

export function weightedPick<T>(rng: Rng, pairs: ReadonlyArray<readonly [T, number]>): T {
  return (pairs[rng.weightedIndex(pairs.map((p) => p[1]))] as readonly [T, number])[0];
}

/** Fictional names for identified demo users (combined at random; no real person's data). */
export const firstNames = [
  "Alex", "Sam", "Jamie", "Taylor", "Jordan", "Morgan", "Casey", "Robin", "Charlie", "Max",
  "Lena", "Marco", "Sofia", "Lucas", "Emma", "Noah", "Mia", "Hugo", "Clara", "Ines",
  "Oliver", "Amelia", "Liam", "Chloe", "Mateo", "Elena", "Finn", "Aoife", "Tiago", "Julia",
] as const;
export const lastNames = [
  "Smith", "Jones", "Brown", "Miller", "Garcia", "Martin", "Rossi", "Muller", "Dubois", "Jansen",
  "Murphy", "Silva", "Peeters", "Walker", "Lopez", "Bianchi", "Schmidt", "Bernard", "de Vries", "Kelly",
] as const;
