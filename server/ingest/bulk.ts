import type { CapturePipeline } from "./pipeline";

export interface BulkProgress {
  events: number;
  rejected: number;
}

/**
 * Feeds a stream of native events through the real pipeline (validation, enrichment, identity,
 * the group-commit writer) in batches, with a few batches in flight so the writer can group them.
 * Stops between batches when `signal` aborts.
 */
export async function bulkIngest(
  pipeline: CapturePipeline,
  projectId: string,
  events: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  opts: { batchSize?: number; inFlight?: number; signal?: AbortSignal; onProgress?: (p: BulkProgress) => void } = {},
): Promise<BulkProgress> {
  const batchSize = opts.batchSize ?? 1000;
  const inFlight = opts.inFlight ?? 4;
  const progress: BulkProgress = { events: 0, rejected: 0 };
  const running = new Set<Promise<void>>();
  let batch: Array<Record<string, unknown>> = [];
  const send = async (items: Array<Record<string, unknown>>) => {
    const p = pipeline.ingestBulk(projectId, items).then((r) => {
      progress.events += r.accepted;
      progress.rejected += r.errors.length;
      opts.onProgress?.(progress);
    });
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => {});
    if (running.size >= inFlight) await Promise.race(running);
  };
  for await (const event of events) {
    if (opts.signal?.aborted) break;
    batch.push(event);
    if (batch.length >= batchSize) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length && !opts.signal?.aborted) await send(batch);
  await Promise.all(running);
  return progress;
}
