import type { QuerySource } from "../result";
import type { EventStream } from "./types";

/** Growable typed arrays that become an EventStream; persons and strings become dense ints. */
export class StreamBuilder {
  length = 0;
  private cap: number;
  ts: Float64Array;
  person: Int32Array;
  match: Uint32Array;
  breakdown: Int32Array | null;
  cohortMask: Uint32Array | null;
  eventName: Int32Array | null;
  readonly personIds: string[] = [];
  private readonly personIndex = new Map<string, number>();
  readonly breakdownValues: (string | null)[] = [];
  private readonly breakdownIndex = new Map<string | null, number>();
  readonly eventNames: string[] = [];
  private readonly eventIndex = new Map<string, number>();

  constructor(opts: { breakdown: boolean; cohorts: boolean; eventNames: boolean; capacity?: number }) {
    this.cap = Math.max(16, opts.capacity ?? 1024);
    this.ts = new Float64Array(this.cap);
    this.person = new Int32Array(this.cap);
    this.match = new Uint32Array(this.cap);
    this.breakdown = opts.breakdown ? new Int32Array(this.cap) : null;
    this.cohortMask = opts.cohorts ? new Uint32Array(this.cap) : null;
    this.eventName = opts.eventNames ? new Int32Array(this.cap) : null;
  }

  personOf(uuid: string): number {
    let i = this.personIndex.get(uuid);
    if (i === undefined) {
      i = this.personIds.length;
      this.personIds.push(uuid);
      this.personIndex.set(uuid, i);
    }
    return i;
  }

  breakdownOf(value: string | null): number {
    let i = this.breakdownIndex.get(value);
    if (i === undefined) {
      i = this.breakdownValues.length;
      this.breakdownValues.push(value);
      this.breakdownIndex.set(value, i);
    }
    return i;
  }

  /** Fixed breakdown values (cohort ids), indexed in request order. */
  presetBreakdownValues(values: string[]): void {
    for (const v of values) this.breakdownOf(v);
  }

  eventNameOf(name: string): number {
    let i = this.eventIndex.get(name);
    if (i === undefined) {
      i = this.eventNames.length;
      this.eventNames.push(name);
      this.eventIndex.set(name, i);
    }
    return i;
  }

  /** Appends a row and returns its index (fill breakdown/eventName/cohortMask at that index). */
  push(ts: number, person: number, match: number): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.ts[i] = ts;
    this.person[i] = person;
    this.match[i] = match;
    return i;
  }

  private grow() {
    this.cap *= 2;
    const g = <T extends Float64Array | Int32Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts);
    this.person = g(this.person);
    this.match = g(this.match);
    if (this.breakdown) this.breakdown = g(this.breakdown);
    if (this.cohortMask) this.cohortMask = g(this.cohortMask);
    if (this.eventName) this.eventName = g(this.eventName);
  }

  finish(source: QuerySource): EventStream {
    const n = this.length;
    return {
      length: n,
      ts: this.ts.subarray(0, n),
      person: this.person.subarray(0, n),
      match: this.match.subarray(0, n),
      breakdown: this.breakdown ? this.breakdown.subarray(0, n) : null,
      breakdownValues: this.breakdownValues,
      cohortMask: this.cohortMask ? this.cohortMask.subarray(0, n) : null,
      eventName: this.eventName ? this.eventName.subarray(0, n) : null,
      eventNames: this.eventNames,
      personIds: this.personIds,
      personCount: this.personIds.length,
      source,
    };
  }
}
