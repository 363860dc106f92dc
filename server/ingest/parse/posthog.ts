import { CaptureError } from "../capture-error";
import { limits } from "../limits";
import { asRecord, type ParsedCapture } from "./types";

function keyOf(o: Record<string, unknown> | null): string | null {
  if (!o) return null;
  const props = asRecord(o.properties);
  const k = o.api_key ?? o.token ?? props?.token;
  return typeof k === "string" && k ? k : null;
}

/**
 * PostHog's capture bodies (also Foresight's native format): one event, an array of events, or
 * `{batch: [...]}`, with the key as `api_key` / `token` at the top, in each event or in
 * `properties.token`.
 */
export function parsePosthog(body: unknown): ParsedCapture {
  const top = asRecord(body);
  let events: unknown[];
  if (Array.isArray(body)) events = body;
  else if (top && Array.isArray(top.batch)) events = top.batch;
  else if (top && Array.isArray(top.data)) events = top.data;
  else if (top) events = [top];
  else throw new CaptureError(400, "body", "must be an event object, an array of events or {batch: [...]}");

  if (events.length === 0) throw new CaptureError(400, "batch", "is empty");
  if (events.length > limits.maxEventsPerBatch) {
    throw new CaptureError(413, "batch", `has ${events.length} events; the limit is ${limits.maxEventsPerBatch}`);
  }
  const apiKey = keyOf(top) ?? events.map((e) => keyOf(asRecord(e))).find((k) => k) ?? null;
  const sentAt = top && (typeof top.sent_at === "string" || typeof top.sent_at === "number") ? top.sent_at : null;
  return { apiKey, sentAt, items: events };
}
