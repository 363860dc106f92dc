import { z } from "zod";
import type { CapturedEvent } from "./captured-event";
import { limits } from "./limits";
import { cleanString, PropertyProblem, sanitizeProperties } from "./sanitize";
import { eventUuid } from "./uuid";

/** One event as the formats hand it over: PostHog's shape, which native capture shares. */
export const wireEventSchema = z.object({
  event: z.string({ error: (iss) => (iss.input === undefined ? "is required" : "must be a string") }).min(1, "is required").max(limits.maxEventNameLength, `longer than ${limits.maxEventNameLength} characters`),
  distinct_id: z
    .union([z.string(), z.number()], { error: (iss) => (iss.input === undefined ? "is required" : "must be a string or number") })
    .transform((v) => String(v))
    .pipe(z.string().min(1, "is required").max(limits.maxDistinctIdLength, `longer than ${limits.maxDistinctIdLength} characters`)),
  timestamp: z.union([z.string(), z.number()]).optional().nullable(),
  offset: z.number().optional().nullable(),
  uuid: z.string().max(200).optional().nullable(),
  properties: z.unknown().optional(),
  $set: z.unknown().optional(),
  $set_once: z.unknown().optional(),
});

export type WireEvent = z.input<typeof wireEventSchema>;
type ParsedWireEvent = z.output<typeof wireEventSchema>;

/**
 * The common case, checked by hand because it runs for every event: a plain object whose fields
 * already have the types the schema wants. Anything else goes through the schema, which also
 * names the problem. Must accept exactly what wireEventSchema accepts, or less.
 */
function plainWireEvent(raw: unknown): ParsedWireEvent | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const { event, distinct_id: id, timestamp: ts, offset, uuid } = r;
  if (typeof event !== "string" || event.length === 0 || event.length > limits.maxEventNameLength) return null;
  const distinctId = typeof id === "string" ? id : typeof id === "number" ? String(id) : null;
  if (distinctId === null || distinctId.length === 0 || distinctId.length > limits.maxDistinctIdLength) return null;
  if (ts !== undefined && ts !== null && typeof ts !== "string" && typeof ts !== "number") return null;
  if (offset !== undefined && offset !== null && typeof offset !== "number") return null;
  if (uuid !== undefined && uuid !== null && (typeof uuid !== "string" || uuid.length > 200)) return null;
  return {
    event,
    distinct_id: distinctId,
    timestamp: ts as string | number | null | undefined,
    offset: offset as number | null | undefined,
    uuid: uuid as string | null | undefined,
    properties: r.properties,
    $set: r.$set,
    $set_once: r.$set_once,
  };
}

export interface Problem {
  index: number;
  field: string;
  problem: string;
}

export interface RequestFacts {
  projectId: string;
  receivedAt: number;
  sentAt: number | null;
  ip: string | null;
  userAgent: string | null;
  /** The event's strings are known to hold no NUL or lone surrogate (ParsedCapture.plainStrings). */
  plainStrings?: boolean;
}

/** Two ASCII digits of `s` at `i` as a number, or NaN. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString and most clients send) read directly; anything
 * else, or any doubtful part (a day past 28, say), is left to Date.parse, whose answer this
 * matches for the forms it accepts.
 */
function parseIsoUtc(v: string): number {
  if (v.length !== 24 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 46 || v.charCodeAt(23) !== 90) return Date.parse(v);
  const year = digits2(v, 0) * 100 + digits2(v, 2);
  const month = digits2(v, 5);
  const day = digits2(v, 8);
  const hour = digits2(v, 11);
  const minute = digits2(v, 14);
  const second = digits2(v, 17);
  const ms = digits2(v, 20) * 10 + (v.charCodeAt(22) - 48);
  const d3 = v.charCodeAt(22) - 48;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59 && d3 >= 0 && d3 <= 9 && ms >= 0)) {
    return Date.parse(v);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

function parseTime(v: string | number): number | null {
  const ms = typeof v === "number" ? (v < 1e11 ? v * 1000 : v) : parseIsoUtc(v);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Turns one wire event into a CapturedEvent, or says precisely what is wrong with it.
 * Time: with `sent_at`, the client's clock skew is removed (now - (sent_at - timestamp)), as
 * PostHog does; `offset` means "this many ms ago"; future times beyond the limit are clamped to
 * now (recorded in `$timestamp_clamped`), times older than the limit are rejected.
 */
export function normalizeEvent(raw: unknown, index: number, facts: RequestFacts): CapturedEvent | Problem {
  // posthog-js sends the distinct id inside properties.
  const rec = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  const inner = rec?.properties && typeof rec.properties === "object" ? (rec.properties as Record<string, unknown>) : null;
  if (rec && rec.distinct_id === undefined && inner && inner.distinct_id !== undefined) raw = { ...rec, distinct_id: inner.distinct_id };
  let w = plainWireEvent(raw);
  if (!w) {
    const parsed = wireEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { index, field: issue.path.join(".") || "event", problem: issue.path.length ? issue.message : "must be an object" };
    }
    w = parsed.data;
  }
  let props: Record<string, unknown>;
  let set: Record<string, unknown> | undefined;
  let setOnce: Record<string, unknown> | undefined;
  try {
    const plain = facts.plainStrings === true;
    props = sanitizeProperties(w.properties, "properties", plain).value;
    set = w.$set !== undefined ? sanitizeProperties(w.$set, "$set", plain).value : undefined;
    setOnce = w.$set_once !== undefined ? sanitizeProperties(w.$set_once, "$set_once", plain).value : undefined;
  } catch (err) {
    if (err instanceof PropertyProblem) return { index, field: err.field, problem: err.message };
    throw err;
  }
  // PostHog clients also send person updates inside properties.
  if (props.$set && typeof props.$set === "object" && !Array.isArray(props.$set)) {
    set = { ...(props.$set as Record<string, unknown>), ...set };
    delete props.$set;
  }
  if (props.$set_once && typeof props.$set_once === "object" && !Array.isArray(props.$set_once)) {
    setOnce = { ...(props.$set_once as Record<string, unknown>), ...setOnce };
    delete props.$set_once;
  }
  let ms = facts.receivedAt;
  if (w.timestamp !== undefined && w.timestamp !== null) {
    const t = parseTime(w.timestamp);
    if (t === null) return { index, field: "timestamp", problem: "is not an ISO-8601 date or epoch number" };
    ms = facts.sentAt !== null ? facts.receivedAt - (facts.sentAt - t) : t;
  } else if (typeof w.offset === "number") {
    ms = facts.receivedAt - w.offset;
  }
  if (ms < facts.receivedAt - limits.maxPastMs) {
    return { index, field: "timestamp", problem: "is more than 365 days in the past" };
  }
  if (ms > facts.receivedAt + limits.maxFutureMs) {
    props.$timestamp_clamped = new Date(ms).toISOString();
    ms = facts.receivedAt;
  }

  const propertiesJson = JSON.stringify(props);
  const size = propertiesJson.length + (set ? JSON.stringify(set).length : 0) + (setOnce ? JSON.stringify(setOnce).length : 0);
  if (size > limits.maxPropertiesBytes) {
    return { index, field: "properties", problem: `larger than ${limits.maxPropertiesBytes} bytes (${size})` };
  }

  return {
    uuid: eventUuid(facts.projectId, w.uuid ?? undefined, ms),
    event: facts.plainStrings === true ? w.event : cleanString(w.event),
    distinctId: facts.plainStrings === true ? w.distinct_id : cleanString(w.distinct_id),
    timestamp: new Date(ms),
    properties: props,
    propertiesJson,
    set,
    setOnce,
    ip: facts.ip,
    userAgent: facts.userAgent,
  };
}

export function isProblem(x: CapturedEvent | Problem): x is Problem {
  return (x as Problem).problem !== undefined;
}
