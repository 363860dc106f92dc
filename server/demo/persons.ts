import { createHash } from "node:crypto";
import type { Rng } from "./prng";
import type { Airport } from "./routes";
import type { ChurnCause, PersonTruth, Variant } from "./types";
import {
  channelWeights,
  countries,
  deviceWeights,
  firstNames,
  lastNames,
  randomIp,
  userAgents,
  weightedPick,
  type Channel,
  type CountryInfo,
  type UserAgentInfo,
} from "./world";

export const EXPERIMENT_FLAG = "checkout-redesign";

/**
 * The person's experiment variant: PostHog's bucketing, sha1("<flag>.<id>") read as a fraction
 * of 0xfffffffffffffff, hashed on the anonymous id so it stays put when the person identifies.
 */
export function variantFor(anonDistinctId: string): Variant {
  const hex = createHash("sha1").update(`${EXPERIMENT_FLAG}.${anonDistinctId}`).digest("hex").slice(0, 15);
  return parseInt(hex, 16) / 0xfffffffffffffff < 0.5 ? "control" : "test";
}

export interface Person {
  index: number;
  anonId: string;
  userId: string;
  identified: boolean;
  name: string;
  country: CountryInfo;
  zone: string;
  home: Airport;
  ua: UserAgentInfo;
  ip: string;
  channel: Channel;
  variant: Variant;
  /** Expected sessions per day before weekday/season factors. */
  visitRate: number;
  /** Personal propensity to move down the funnel (multiplier around 1). */
  intent: number;
  sessions: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** No session of this person may start before this instant (keeps sessions apart). */
  busyUntilMs: number;
  churn: ChurnCause;
  churnedAtMs?: number;
  /** The route the person is currently interested in (repeat searches come back to it). */
  interest?: string;
}

export function createPerson(rng: Rng, index: number, firstSeenMs: number): Person {
  const country = rng.weighted(countries, (c) => c.weight);
  const device = weightedPick(rng, deviceWeights);
  const ua = rng.weighted(
    userAgents.filter((u) => u.device === device),
    (u) => u.weight,
  );
  const anonId = rng.uuidv7(firstSeenMs);
  return {
    index,
    anonId,
    userId: `usr_${index + 1}`,
    identified: false,
    name: `${rng.pick(firstNames)} ${rng.pick(lastNames)}`,
    country,
    zone: weightedPick(rng, country.timeZones),
    home: weightedPick(rng, country.airports) as Airport,
    ua,
    ip: randomIp(rng, country),
    channel: weightedPick(rng, channelWeights),
    variant: variantFor(anonId),
    visitRate: Math.min(0.8, Math.max(0.02, rng.lognormal(0.3, 0.6))),
    intent: Math.min(1.8, Math.max(0.5, rng.lognormal(1, 0.25))),
    sessions: 0,
    firstSeenMs,
    lastSeenMs: firstSeenMs,
    busyUntilMs: 0,
    churn: "none",
  };
}

export function distinctIdOf(p: Person): string {
  return p.identified ? p.userId : p.anonId;
}

export function emailOf(p: Person): string {
  return `user${p.index + 1}@example.com`;
}

export function personTruth(p: Person): PersonTruth {
  return {
    anonDistinctId: p.anonId,
    distinctId: distinctIdOf(p),
    identified: p.identified,
    country: p.country.code,
    timeZone: p.zone,
    device: p.ua.device,
    userAgentId: p.ua.id,
    badDevice: p.ua.bad === true,
    channel: p.channel,
    variant: p.variant,
    firstSeen: new Date(p.firstSeenMs).toISOString(),
    lastSeen: new Date(p.lastSeenMs).toISOString(),
    sessions: p.sessions,
    churnCause: p.churn,
    ...(p.churnedAtMs !== undefined ? { churnedAt: new Date(p.churnedAtMs).toISOString() } : {}),
  };
}
