import http from "node:http";
import { USER_AGENTS } from "./events";

export interface LoadResult {
  seconds: number;
  /** Events in requests answered 200 with `accepted` equal to the batch size. */
  acceptedEvents: number;
  requests: number;
  /** Answers other than 200 (or a 200 that accepted fewer events), by status; those batches were retried. */
  failures: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  /** events/s within each tenth of the run (by acknowledged events), first to last. */
  byTenth: number[];
}

interface Answer {
  status: number;
  body: string;
}

/**
 * POSTs every body to `url` with `concurrency` requests in flight over keep-alive connections
 * (node:http: less per-request work in the client than fetch/undici's WHATWG streams, so more of
 * the shared CPU goes to the server). A batch not answered 200 is retried after a short pause, up
 * to 5 times; only 200 answers count.
 */
export async function runHttpLoad(url: string, bodies: Buffer[], sizes: number[], concurrency: number): Promise<LoadResult> {
  const target = new URL("/api/capture", url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const latencies = new Float64Array(bodies.length * 6);
  let requests = 0;
  let acceptedEvents = 0;
  const total = sizes.reduce((s, x) => s + x, 0);
  const tenthAt: number[] = [];
  const failures: Record<string, number> = {};

  const post = (body: Buffer, userAgent: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": body.length, "user-agent": userAgent },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  let next = 0;
  const start = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        let answer: Answer;
        try {
          answer = await post(bodies[i]!, USER_AGENTS[i % USER_AGENTS.length]!);
        } catch (err) {
          answer = { status: 0, body: (err as Error).message };
        }
        latencies[requests++] = performance.now() - t0;
        let accepted = -1;
        if (answer.status === 200) {
          try {
            accepted = (JSON.parse(answer.body) as { accepted?: number }).accepted ?? -1;
          } catch {
            /* counted as a failure below */
          }
        }
        if (accepted === sizes[i]) {
          acceptedEvents += accepted;
          while (tenthAt.length < 10 && acceptedEvents >= (total * (tenthAt.length + 1)) / 10) tenthAt.push(performance.now() - start);
          break;
        }
        const reason = answer.status === 200 ? `200 accepted ${accepted}/${sizes[i]}` : String(answer.status || answer.body);
        failures[reason] = (failures[reason] ?? 0) + 1;
        if (attempt >= 5) throw new Error(`batch ${i} failed ${attempt} times; last answer ${answer.status} ${answer.body.slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.slice(0, requests).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const byTenth = tenthAt.map((t, i) => total / 10 / ((t - (tenthAt[i - 1] ?? 0)) / 1000));
  return { seconds, acceptedEvents, requests, failures, latencyMs: { p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1] ?? NaN }, byTenth };
}
