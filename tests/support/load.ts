import { randomUUID } from "node:crypto";

/**
 * Sends batches from `workers` concurrent loops until stopped, remembering which events were
 * acknowledged (HTTP 200). Failed or refused requests are simply not acknowledged.
 */
export function startLoad(opts: { url: () => string; key: string; workers?: number; batchSize?: number }) {
  const acked = new Set<string>();
  const sent: Array<Array<Record<string, unknown>>> = [];
  let running = true;
  let requests = 0;
  let failures = 0;
  const loop = async (w: number) => {
    let i = 0;
    while (running) {
      const batch = Array.from({ length: opts.batchSize ?? 50 }, () => ({
        event: "load",
        distinct_id: `load-${w}-${i % 7}`,
        uuid: randomUUID(),
        properties: { worker: w, seq: i++ },
      }));
      sent.push(batch);
      try {
        const res = await fetch(opts.url() + "/api/capture", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ api_key: opts.key, batch }),
        });
        requests++;
        if (res.status === 200) for (const e of batch) acked.add(e.uuid as string);
        else failures++;
        await res.arrayBuffer();
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const loops = Array.from({ length: opts.workers ?? 8 }, (_, w) => loop(w));
  return {
    acked,
    sent,
    stats: () => ({ requests, failures, acked: acked.size }),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
