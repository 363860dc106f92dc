import type { EventStream } from "../../server/query/stream/types";

export interface HandRow {
  /** ISO time or epoch ms. */
  at: string | number;
  person: string;
  /** Bitmask of matched selectors. */
  match?: number;
  name?: string;
  breakdown?: string | null;
}

/** An EventStream built by hand for algorithm tests: rows sorted by time (then person), persons in first-seen order. */
export function handStream(rows: HandRow[], opts: { breakdown?: boolean } = {}): EventStream {
  const sorted = rows
    .map((r, i) => ({ ...r, ms: typeof r.at === "number" ? r.at : Date.parse(r.at), i }))
    .sort((a, b) => a.ms - b.ms || (a.person < b.person ? -1 : a.person > b.person ? 1 : 0) || a.i - b.i);
  const personIds: string[] = [];
  const personIndex = new Map<string, number>();
  const eventNames: string[] = [];
  const nameIndex = new Map<string, number>();
  const breakdownValues: (string | null)[] = [];
  const valueIndex = new Map<string, number>();
  const n = sorted.length;
  const s: EventStream = {
    length: n,
    ts: new Float64Array(n),
    person: new Int32Array(n),
    match: new Uint32Array(n),
    breakdown: opts.breakdown ? new Int32Array(n) : null,
    breakdownValues,
    eventName: new Int32Array(n),
    eventNames,
    personIds,
    personCount: 0,
    source: "events",
  };
  sorted.forEach((r, i) => {
    let p = personIndex.get(r.person);
    if (p === undefined) {
      p = personIds.push(r.person) - 1;
      personIndex.set(r.person, p);
    }
    const name = r.name ?? "e";
    let e = nameIndex.get(name);
    if (e === undefined) {
      e = eventNames.push(name) - 1;
      nameIndex.set(name, e);
    }
    s.ts[i] = r.ms;
    s.person[i] = p;
    s.match[i] = r.match ?? 1;
    s.eventName![i] = e;
    if (s.breakdown) {
      if (r.breakdown === null || r.breakdown === undefined) s.breakdown[i] = -1;
      else {
        let v = valueIndex.get(r.breakdown);
        if (v === undefined) {
          v = breakdownValues.push(r.breakdown) - 1;
          valueIndex.set(r.breakdown, v);
        }
        s.breakdown[i] = v;
      }
    }
  });
  s.personCount = personIds.length;
  return s;
}
