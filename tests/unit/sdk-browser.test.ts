import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { splitBatches } from "../../sdk/browser/src/batch";
import { initialProperties, utmParams } from "../../sdk/browser/src/page";
import { EventQueue } from "../../sdk/browser/src/queue";
import { backoffMs, parseRetryAfter } from "../../sdk/browser/src/retry";
import { Sender } from "../../sdk/browser/src/sender";
import { SESSION_IDLE_MS, SESSION_MAX_MS, currentSession } from "../../sdk/browser/src/session";
import { memoryStore } from "../../sdk/browser/src/storage";
import { classify } from "../../sdk/browser/src/transport";
import type { CaptureEvent } from "../../sdk/browser/src/types";
import { uuidv7 } from "../../sdk/browser/src/uuid";
import { waitFor } from "../support/wait";

const event = (name: string, at = "2025-01-01T00:00:00.000Z", props: Record<string, unknown> = {}): CaptureEvent => ({
  event: name,
  distinct_id: "d",
  timestamp: at,
  uuid: uuidv7(),
  properties: props,
});

describe("browser SDK: ids and sessions", () => {
  it("makes UUIDv7s that carry their time and sort by it", () => {
    const a = uuidv7(Date.UTC(2025, 0, 1));
    const b = uuidv7(Date.UTC(2025, 0, 2));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(a.replace(/-/g, "").slice(0, 12), 16)).toBe(Date.UTC(2025, 0, 1));
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(0))).size).toBe(1000);
  });

  it("keeps a session while active, and starts a new one after 30 idle minutes, 24 hours, or a clock jump back", () => {
    let n = 0;
    const id = () => `s${++n}`;
    const s1 = currentSession(undefined, 1_000, id, true);
    expect(s1).toEqual({ id: "s1", start: 1_000, lastActivity: 1_000 });
    const s1b = currentSession(s1, 1_000 + SESSION_IDLE_MS, id, true);
    expect(s1b).toEqual({ id: "s1", start: 1_000, lastActivity: 1_000 + SESSION_IDLE_MS });
    expect(currentSession(s1b, s1b.lastActivity + SESSION_IDLE_MS + 1, id, true).id).toBe("s2");
    expect(currentSession(s1b, s1b.lastActivity + 60_000, id, false)).toBe(s1b);

    let busy = s1;
    for (let t = 1_000; t <= 1_000 + SESSION_MAX_MS; t += 10 * 60_000) busy = currentSession(busy, t, id, true);
    expect(busy.id).toBe("s1");
    expect(currentSession(busy, 1_000 + SESSION_MAX_MS + 60_000, id, true).id).toBe("s3");
    expect(currentSession(s1, 500, id, true).id).toBe("s4");
  });
});

describe("browser SDK: page properties", () => {
  it("reads UTM parameters and makes $initial_ person properties of them", () => {
    const utm = utmParams("?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=&other=1");
    expect(utm).toEqual({ utm_source: "news", utm_medium: "email", utm_campaign: "spring" });
    const page = { $current_url: "https://shop.test/?utm_source=news", $pathname: "/", $referrer: "$direct", $referring_domain: "$direct" };
    expect(initialProperties(page, utm)).toEqual({
      $initial_current_url: "https://shop.test/?utm_source=news",
      $initial_pathname: "/",
      $initial_referrer: "$direct",
      $initial_referring_domain: "$direct",
      $initial_utm_source: "news",
      $initial_utm_medium: "email",
      $initial_utm_campaign: "spring",
    });
  });
});

describe("browser SDK: batching and retry rules", () => {
  it("splits by count and UTF-8 bytes, in order, and sets aside events too large to send", () => {
    const events = Array.from({ length: 7 }, (_, i) => ({ i, text: "é".repeat(100) }));
    const size = new TextEncoder().encode(JSON.stringify(events[0])).length + 1;
    const byCount = splitBatches(events, { maxCount: 3, maxBytes: 1e6, envelopeBytes: 50 });
    expect(byCount.batches.map((b) => b.map((e) => e.i))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    const byBytes = splitBatches(events, { maxCount: 100, maxBytes: 50 + 2 * size, envelopeBytes: 50 });
    expect(byBytes.batches.map((b) => b.length)).toEqual([2, 2, 2, 1]);
    const huge = splitBatches([{ i: 0 }, { i: 1, text: "x".repeat(500) }, { i: 2 }], { maxCount: 10, maxBytes: 200, envelopeBytes: 50 });
    expect(huge.batches).toEqual([[{ i: 0 }, { i: 2 }]]);
    expect(huge.oversize).toEqual([{ i: 1, text: "x".repeat(500) }]);
  });

  it("classifies answers: retry 5xx, 429, 408 and honour Retry-After; split 413; drop other 4xx", () => {
    expect(classify(200, null)).toEqual({ kind: "ok" });
    expect(classify(503, null)).toEqual({ kind: "retry", afterMs: undefined });
    expect(classify(429, "7")).toEqual({ kind: "retry", afterMs: 7000 });
    expect(classify(408, null).kind).toBe("retry");
    expect(classify(413, null)).toEqual({ kind: "too_large" });
    expect(classify(400, null)).toEqual({ kind: "rejected", status: 400 });
    expect(classify(401, null)).toEqual({ kind: "rejected", status: 401 });
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("backs off exponentially up to a cap, with jitter", () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 1000, 5000, () => 0))).toEqual([500, 1000, 2000, 2500]);
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 1000, 5000, () => 1))).toEqual([1000, 2000, 4000, 5000]);
  });
});

describe("browser SDK: persisted queue", () => {
  it("restores this tab's queue and adopts queues other tabs left behind, once", () => {
    const store = memoryStore();
    const now = Date.now();
    const mine = new EventQueue("fs_k_queue_");
    mine.attach(store, "tab-a", now);
    mine.push(event("a1", "2025-01-01T00:00:01.000Z"));
    const other = new EventQueue("fs_k_queue_");
    other.attach(store, "tab-b", now);
    other.push(event("b1", "2025-01-01T00:00:00.000Z"));

    const reloaded = new EventQueue("fs_k_queue_");
    reloaded.attach(store, "tab-a", now + 1000);
    expect(reloaded.items().map((e) => e.event)).toEqual(["a1"]);

    const later = new EventQueue("fs_k_queue_");
    later.attach(store, "tab-a", Date.now() + 120_000);
    expect(later.items().map((e) => e.event)).toEqual(["b1", "a1"]);
    expect(store.keys()).toEqual(["fs_k_queue_tab-a"]);

    later.remove(later.items());
    expect(store.keys()).toEqual([]);
  });

  it("drops the oldest events beyond its size limit", () => {
    const q = new EventQueue("p_", 3);
    q.attach(null, "t");
    for (const n of [1, 2, 3, 4, 5]) q.push(event(`e${n}`));
    expect(q.items().map((e) => e.event)).toEqual(["e3", "e4", "e5"]);
  });
});

describe("browser SDK: sender", () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function listener(answer: (n: number, batch: CaptureEvent[]) => number) {
    const bodies: { api_key: string; batch: CaptureEvent[] }[] = [];
    const server = http.createServer(async (req, res) => {
      let text = "";
      for await (const c of req) text += c;
      const body = JSON.parse(text);
      bodies.push(body);
      res.writeHead(answer(bodies.length, body.batch)).end("{}");
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/capture`, bodies };
  }

  function sender(url: string, queue: EventQueue, maxAttempts = 5) {
    const warnings: string[] = [];
    const s = new Sender(queue, { url, apiKey: "key", batchSize: 2, maxAttempts, retryBaseMs: 10, warn: (m) => warnings.push(m) });
    return { s, warnings };
  }

  function queueOf(n: number) {
    const q = new EventQueue("p_");
    q.attach(null, "t");
    for (let i = 0; i < n; i++) q.push(event(`e${i}`));
    return q;
  }

  it("sends in batches of batchSize and empties the queue", async () => {
    const server = await listener(() => 200);
    const q = queueOf(5);
    await sender(server.url, q).s.send();
    expect(server.bodies.map((b) => b.batch.map((e) => e.event))).toEqual([["e0", "e1"], ["e2", "e3"], ["e4"]]);
    expect(server.bodies[0]!.api_key).toBe("key");
    expect(q.size).toBe(0);
  });

  it("retries a failing server with the same uuids, keeping events queued meanwhile", async () => {
    const server = await listener((n) => (n <= 2 ? 503 : 200));
    const q = queueOf(1);
    const { s } = sender(server.url, q);
    await s.send();
    expect(q.size).toBe(1);
    await waitFor(async () => q.size === 0, "the retried batch");
    expect(server.bodies).toHaveLength(3);
    expect(new Set(server.bodies.map((b) => b.batch[0]!.uuid)).size).toBe(1);
  });

  it("pauses after maxAttempts failures, keeping the events, until an explicit flush", async () => {
    let up = false;
    const server = await listener(() => (up ? 200 : 503));
    const q = queueOf(1);
    const { s, warnings } = sender(server.url, q, 3);
    await s.send();
    await waitFor(async () => warnings.length > 0, "giving up");
    expect(server.bodies).toHaveLength(3);
    expect(q.size).toBe(1);
    await s.send();
    expect(server.bodies).toHaveLength(3);
    up = true;
    await s.send(true);
    expect(q.size).toBe(0);
  });

  it("drops refused batches without retrying, and halves batches on 413", async () => {
    const refused = await listener(() => 400);
    const q1 = queueOf(2);
    await sender(refused.url, q1).s.send();
    expect(refused.bodies).toHaveLength(1);
    expect(q1.size).toBe(0);

    const picky = await listener((_, batch) => (batch.length > 1 ? 413 : 200));
    const q2 = queueOf(2);
    await sender(picky.url, q2).s.send();
    expect(picky.bodies.map((b) => b.batch.length)).toEqual([2, 1, 1]);
    expect(q2.size).toBe(0);
  });
});
