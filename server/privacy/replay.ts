import type { ExportedEvent, PersonExport } from "./export-person";

/** A capture event in PostHog's wire format, as `POST /api/capture` takes it in `batch`. */
export interface ReplayEvent {
  uuid: string;
  event: string;
  distinct_id: string;
  timestamp: string;
  properties: Record<string, unknown>;
  $set?: Record<string, unknown>;
}

const isIdentityLink = (e: ExportedEvent) =>
  (e.event === "$identify" && typeof e.properties.$anon_distinct_id === "string") ||
  (e.event === "$create_alias" && typeof e.properties.alias === "string");

/**
 * Turns an export back into capture batches, to send in order to `POST /api/capture`: events
 * in the order they were stored, a new batch at each identify / alias event (so persons are
 * linked and merged as they were the first time), within the capture size limits. The person's
 * properties ride as `$set` on the last event, since events do not keep the `$set` they carried.
 * The events keep their uuids, names, timestamps and properties; enrichment runs again.
 */
export function replayBatches(exp: PersonExport, opts: { maxEvents?: number; maxBytes?: number } = {}): ReplayEvent[][] {
  const maxEvents = opts.maxEvents ?? 500;
  const maxBytes = opts.maxBytes ?? 900_000;
  const ordered = [...exp.events].sort(
    (a, b) => a.stored.insertedAt.localeCompare(b.stored.insertedAt) || a.timestamp.localeCompare(b.timestamp) || a.uuid.localeCompare(b.uuid),
  );
  const batches: ReplayEvent[][] = [];
  let batch: ReplayEvent[] = [];
  let bytes = 0;
  ordered.forEach((e, i) => {
    const wire: ReplayEvent = { uuid: e.uuid, event: e.event, distinct_id: e.distinct_id, timestamp: e.timestamp, properties: e.properties };
    if (i === ordered.length - 1 && exp.person && Object.keys(exp.person.properties).length) wire.$set = exp.person.properties;
    const size = JSON.stringify(wire).length + 1;
    if (batch.length && (isIdentityLink(e) || batch.length >= maxEvents || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(wire);
    bytes += size;
  });
  if (batch.length) batches.push(batch);
  return batches;
}
