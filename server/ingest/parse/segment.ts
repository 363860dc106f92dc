import { CaptureError } from "../capture-error";
import { limits } from "../limits";
import type { Problem } from "../normalize";
import { asRecord, type ParsedCapture } from "./types";

type Seg = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined);

/** Segment context -> PostHog-style properties ($current_url, utm_*, $lib ...). */
function contextProperties(ctx: Seg | null): Record<string, unknown> {
  if (!ctx) return {};
  const out: Record<string, unknown> = {};
  const page = asRecord(ctx.page);
  if (page) {
    if (str(page.url)) out.$current_url = page.url;
    if (str(page.path)) out.$pathname = page.path;
    if (str(page.referrer)) out.$referrer = page.referrer;
    if (str(page.title)) out.title = page.title;
  }
  const campaign = asRecord(ctx.campaign);
  if (campaign) {
    for (const [k, v] of Object.entries({ source: "utm_source", medium: "utm_medium", name: "utm_campaign", term: "utm_term", content: "utm_content" })) {
      if (str(campaign[k])) out[v] = campaign[k];
    }
  }
  const lib = asRecord(ctx.library);
  if (lib) {
    out.$lib = lib.name;
    out.$lib_version = lib.version;
  }
  if (str(ctx.locale)) out.$locale = ctx.locale;
  if (str(ctx.timezone)) out.$timezone = ctx.timezone;
  return out;
}

/** Maps one Segment message to PostHog's event shape. */
function mapMessage(m: Seg, index: number, forcedType?: string): unknown | Problem {
  const type = forcedType ?? str(m.type);
  const userId = str(m.userId);
  const anonymousId = str(m.anonymousId);
  const distinctId = userId ?? anonymousId;
  if (!distinctId) return { index, field: "userId", problem: "userId or anonymousId is required" };
  const ctx = asRecord(m.context);
  const properties: Record<string, unknown> = { ...contextProperties(ctx), ...(asRecord(m.properties) ?? {}) };
  const traits = asRecord(m.traits) ?? asRecord(ctx?.traits) ?? undefined;
  const base = { distinct_id: distinctId, timestamp: m.timestamp ?? m.originalTimestamp, uuid: str(m.messageId), properties };
  switch (type) {
    case "track":
      return { ...base, event: str(m.event) ?? "" };
    case "page":
      if (typeof properties.url === "string" && !properties.$current_url) properties.$current_url = properties.url;
      if (str(m.name)) properties.$page_name = m.name;
      return { ...base, event: "$pageview" };
    case "screen":
      properties.$screen_name = str(m.name) ?? null;
      return { ...base, event: "$screen" };
    case "identify":
      if (anonymousId && userId && anonymousId !== userId) properties.$anon_distinct_id = anonymousId;
      return { ...base, event: "$identify", $set: traits };
    case "alias": {
      const previousId = str(m.previousId);
      if (!previousId || !userId) return { index, field: "previousId", problem: "alias needs previousId and userId" };
      return { ...base, distinct_id: userId, event: "$create_alias", properties: { ...properties, alias: previousId } };
    }
    case "group": {
      const groupId = str(m.groupId);
      if (!groupId) return { index, field: "groupId", problem: "is required" };
      return { ...base, event: "$groupidentify", properties: { ...properties, $group_type: "group", $group_key: groupId, $group_set: traits ?? {} } };
    }
    default:
      return { index, field: "type", problem: `unknown message type ${JSON.stringify(type ?? null)}` };
  }
}

/**
 * Segment's HTTP Tracking API: `/v1/{track,identify,page,screen,group,alias}` take one message,
 * `/v1/batch` takes `{batch: [...]}`. The write key is the HTTP Basic user (or `writeKey`).
 */
export function parseSegment(body: unknown, endpoint: string): ParsedCapture {
  const top = asRecord(body);
  if (!top) throw new CaptureError(400, "body", "must be a JSON object");
  const apiKey = str(top.writeKey) ?? null;
  let messages: unknown[];
  let forced: string | undefined;
  if (endpoint === "batch" || endpoint === "import") {
    if (!Array.isArray(top.batch)) throw new CaptureError(400, "batch", "must be an array of messages");
    messages = top.batch;
  } else {
    messages = [top];
    forced = endpoint;
  }
  if (messages.length === 0) throw new CaptureError(400, "batch", "is empty");
  if (messages.length > limits.maxEventsPerBatch) {
    throw new CaptureError(413, "batch", `has ${messages.length} events; the limit is ${limits.maxEventsPerBatch}`);
  }
  const contexts: ParsedCapture["contexts"] = [];
  const items = messages.map((m, i) => {
    const rec = asRecord(m);
    if (!rec) return { index: i, field: "message", problem: "must be an object" } satisfies Problem;
    const ctx = asRecord(rec.context);
    contexts[i] = ctx ? { ip: str(ctx.ip), userAgent: str(ctx.userAgent) } : undefined;
    return mapMessage(rec, i, forced ?? str(rec.type));
  });
  const sentAt = typeof top.sentAt === "string" ? top.sentAt : null;
  return { apiKey, sentAt, items, contexts };
}
