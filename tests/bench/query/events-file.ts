import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { EVENT_COLUMNS } from "../../../server/ingest/copy-rows";
import { AIRPORTS, COUNTRIES, DEVICES, E, EVENTS, type Dataset } from "./dataset";

/**
 * Writes the dataset once as a tab-separated file in PostgreSQL's COPY text format, in the
 * column order of ingest's COPY (`EVENT_COLUMNS`) plus `inserted_at`: every engine loads its rows
 * from this one file (PostgreSQL by COPY FROM STDIN, DuckDB by read_csv, chdb by file(..., TSV)).
 * Timestamps are written as UTC without a zone (`2026-10-19 07:31:02.118`), which all three
 * read the same way (PostgreSQL with the session's TimeZone set to UTC).
 *
 * `inserted_at` is the event time plus one to three seconds: what live ingestion would stamp,
 * so the data watermark sees the table as it would after a month of traffic.
 */
export const FILE_COLUMNS = [...EVENT_COLUMNS, "inserted_at"] as const;

const HOST = "www.wanderly.travel";

function stamp(ms: number): string {
  // toISOString: 2026-10-19T07:31:02.118Z -> 2026-10-19 07:31:02.118
  const s = new Date(ms).toISOString();
  return s.slice(0, 10) + " " + s.slice(11, 23);
}

/** A uuidv7-shaped id from a time and two integers (deterministic, unique per (ms, a, b)). */
function uuid7(ms: number, a: number, b: number): string {
  const t = Math.floor(ms).toString(16).padStart(12, "0");
  const x = (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(10, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${x.slice(0, 3)}-8${x.slice(3, 6)}-${x.slice(6, 18)}`;
}

export async function writeEventsFile(d: Dataset, projectId: string, file: string): Promise<{ bytes: number }> {
  const out = createWriteStream(file);
  let bytes = 0;
  let chunk = "";
  const countries = COUNTRIES.map((c) => c[0]);
  for (let i = 0; i < d.length; i++) {
    const p = d.person[i]!;
    const ev = d.event[i]!;
    const ts = d.ts[i]!;
    const dev = DEVICES[d.personDevice[p]!]!;
    const air = AIRPORTS[d.airport[i]!]!.toLowerCase();
    const dest = AIRPORTS[(d.airport[i]! + 3) % AIRPORTS.length]!.toLowerCase();
    const pathname =
      ev === E.pageview ? (i % 3 === 0 ? "/" : i % 3 === 1 ? "/deals" : "/flights")
      : ev === E.search ? "/search"
      : ev === E.flight ? `/flights/${air}-${dest}`
      : ev === E.checkout || ev === E.payment ? "/checkout"
      : "/booking/confirmed";
    const session = uuid7(d.sessionStart[i]!, p, 0x5e55);
    const rev = ev === E.booking ? (d.revenueCents[i]! / 100).toFixed(2) : "\\N";
    let props: string;
    switch (ev) {
      case E.search:
        props = `{"origin":"${air.toUpperCase()}","destination":"${dest.toUpperCase()}","passengers":${1 + (i % 3)},"$lib":"web"}`;
        break;
      case E.flight:
        props = `{"flight_id":"f_${i % 20011}","carrier":"${["TP", "AF", "LH", "BA", "UA"][i % 5]}","$lib":"web"}`;
        break;
      case E.checkout:
      case E.payment:
        props = `{"currency":"EUR","$lib":"web"}`;
        break;
      case E.booking:
        props = `{"booking_id":"b_${i}","revenue":${rev},"currency":"EUR","$lib":"web"}`;
        break;
      default:
        props = `{"$lib":"web"}`;
    }
    const referrer = i % 7 === 0 ? "https://www.google.com/" : "$direct";
    chunk +=
      projectId + "\t" + uuid7(ts, p, i) + "\t" + EVENTS[ev] + "\t" + stamp(ts) + "\t" + d.distinctIds[p] + "\t" + d.personIds[p] + "\t" +
      session + "\t" + "https://" + HOST + pathname + "\t" + HOST + "\t" + pathname + "\t" + referrer + "\t" +
      (referrer === "$direct" ? "$direct" : "www.google.com") + "\t" + dev.device + "\t" + dev.browser + "\t" + dev.browserVersion + "\t" +
      dev.os + "\t" + (dev.osVersion || "\\N") + "\t" + countries[d.country[i]!] + "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t" + rev + "\t\\N\t" +
      props + "\t" + stamp(ts + 1_000 + (i % 2_000)) + "\n";
    if (chunk.length > 1 << 20) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  bytes += chunk.length;
  out.end(chunk);
  await once(out, "finish");
  return { bytes };
}

/** person and person_distinct_ids rows in COPY text format (one distinct id per person). */
export function personsText(d: Dataset, projectId: string, created: string): { persons: string; distinctIds: string } {
  let persons = "";
  let ids = "";
  for (let p = 0; p < d.personCount; p++) {
    persons += `${d.personIds[p]}\t${projectId}\t{}\tf\t${created}\t${created}\n`;
    ids += `${projectId}\t${d.distinctIds[p]}\t${d.personIds[p]}\t${created}\n`;
  }
  return { persons, distinctIds: ids };
}
