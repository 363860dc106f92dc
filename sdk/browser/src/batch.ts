export interface BatchLimits {
  maxCount: number;
  maxBytes: number;
  /** Bytes of the envelope around the events (api_key, sent_at, punctuation). */
  envelopeBytes: number;
}

/**
 * Splits events, in order, into batches within the count and UTF-8 byte limits. An event that
 * cannot fit even alone is returned in `oversize` rather than in a batch the server would refuse.
 */
export function splitBatches<T>(events: readonly T[], limits: BatchLimits): { batches: T[][]; oversize: T[] } {
  const encoder = new TextEncoder();
  const batches: T[][] = [];
  const oversize: T[] = [];
  let current: T[] = [];
  let bytes = limits.envelopeBytes;
  for (const event of events) {
    const size = encoder.encode(JSON.stringify(event)).length + 1;
    if (limits.envelopeBytes + size > limits.maxBytes) {
      oversize.push(event);
      continue;
    }
    if (current.length > 0 && (current.length >= limits.maxCount || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = limits.envelopeBytes;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversize };
}
