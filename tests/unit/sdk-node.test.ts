import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { Foresight, ForesightError, type ForesightOptions } from "../../sdk/node/src/index";
import { waitFor } from "../support/wait";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LIB = { $lib: "foresight-node", $lib_version: "0.1.0" };

interface Recorded {
  at: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  body: { batch: { event: string; uuid: string; distinct_id: string; properties: Record<string, unknown> }[]; sent_at: string };
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

/** A local listener standing in for the capture API; `answer` decides each response. */
async function startListener(answer: (req: Recorded, n: number) => Answer = () => ({ status: 200 })) {
  const requests: Recorded[] = [];
  const answered: number[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
    const rec: Recorded = { at: Date.now(), method: req.method!, url: req.url!, headers: req.headers, raw, text, body: JSON.parse(text) };
    requests.push(rec);
    const a = answer(rec, requests.length);
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
    res.end(JSON.stringify(a.body ?? (a.status === 200 ? { status: 1, accepted: rec.body.batch.length } : {})));
    answered.push(Date.now());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((r) => server.close(() => r()));
  cleanups.push(close);
  return { url, requests, answered, close };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function client(host: string, options: Partial<ForesightOptions> = {}) {
  const errors: ForesightError[] = [];
  const fs = new Foresight({ apiKey: "fs_write_key", host, retryBaseDelayMs: 5, onError: (e) => errors.push(e), ...options });
  cleanups.push(() => fs.shutdown(1000));
  return { fs, errors };
}

const uuids = (r: Recorded) => r.body.batch.map((e) => e.uuid);

describe("node SDK: requests", () => {
  it("sends events as one gzipped, authenticated batch with the exact body", async () => {
    const server = await startListener();
    const { fs, errors } = client(server.url);
    fs.capture({
      distinctId: "user-1",
      event: "order_paid",
      properties: { amount: 42, currency: "EUR" },
      timestamp: new Date("2025-01-02T03:04:05.678Z"),
      uuid: "01941d0b-6f4e-7a3c-9b1d-2f5e8c7a6b5d",
    });
    await fs.flush();

    expect(server.requests).toHaveLength(1);
    const [r] = server.requests;
    expect(r!.method).toBe("POST");
    expect(r!.url).toBe("/api/capture");
    expect(r!.headers).toMatchObject({
      "content-type": "application/json",
      "content-encoding": "gzip",
      authorization: "Bearer fs_write_key",
      "user-agent": "foresight-node/0.1.0",
    });
    expect([...r!.raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(r!.text).toBe(
      '{"batch":[{"event":"order_paid","distinct_id":"user-1","timestamp":"2025-01-02T03:04:05.678Z","uuid":"01941d0b-6f4e-7a3c-9b1d-2f5e8c7a6b5d",' +
        `"properties":{"amount":42,"currency":"EUR","$lib":"foresight-node","$lib_version":"0.1.0"}}],"sent_at":"${r!.body.sent_at}"}`,
    );
    expect(Date.parse(r!.body.sent_at)).not.toBeNaN();
    expect(errors).toEqual([]);
  });

  it("sends identify as $identify with $set, alias as $create_alias, and fills uuid and timestamp", async () => {
    const server = await startListener();
    const { fs, errors } = client(server.url, { gzip: false });
    const before = Date.now();
    fs.identify({ distinctId: "user-1", properties: { email: "ada@example.com", plan: "pro" } });
    fs.alias({ distinctId: "user-1", alias: "legacy-77" });
    fs.capture({ distinctId: "user-1", event: "logged_in" });
    await fs.flush();

    const [r] = server.requests;
    expect(r!.headers["content-encoding"]).toBeUndefined();
    expect(r!.raw.toString("utf8")).toBe(r!.text);
    const [identify, alias, loggedIn] = r!.body.batch as Record<string, unknown>[];
    expect(identify).toEqual({
      event: "$identify",
      distinct_id: "user-1",
      timestamp: expect.any(String),
      uuid: expect.stringMatching(UUID_V7),
      properties: LIB,
      $set: { email: "ada@example.com", plan: "pro" },
    });
    expect(alias).toEqual({ event: "$create_alias", distinct_id: "user-1", timestamp: expect.any(String), uuid: expect.stringMatching(UUID_V7), properties: { alias: "legacy-77", ...LIB } });
    expect(loggedIn).toMatchObject({ event: "logged_in", properties: LIB });
    expect(Date.parse(loggedIn!.timestamp as string)).toBeGreaterThanOrEqual(before - 1);
    expect(new Set(r!.body.batch.map((e) => e.uuid)).size).toBe(3);
    expect(errors).toEqual([]);
  });

  it("sends on its own when flushAt events are queued, and after flushIntervalMs otherwise", async () => {
    const server = await startListener();
    const { fs } = client(server.url, { flushAt: 3, flushIntervalMs: 100 });
    for (const n of [1, 2, 3]) fs.capture({ distinctId: "u", event: `e${n}` });
    await waitFor(async () => server.requests.length === 1, "the flushAt batch");
    expect(server.requests[0]!.body.batch.map((e) => e.event)).toEqual(["e1", "e2", "e3"]);

    fs.capture({ distinctId: "u", event: "e4" });
    await waitFor(async () => server.requests.length === 2, "the interval batch");
    expect(server.requests[1]!.body.batch.map((e) => e.event)).toEqual(["e4"]);
  });

  it("keeps each request within 1000 events and 1 MB, and refuses an event that alone is larger", async () => {
    const server = await startListener();
    const { fs, errors } = client(server.url, { flushAt: 100_000 });
    for (let i = 0; i < 2500; i++) fs.capture({ distinctId: "u", event: "tick", properties: { i } });
    await fs.flush();
    expect(server.requests.map((r) => r.body.batch.length)).toEqual([1000, 1000, 500]);

    const big = "x".repeat(400_000);
    for (let i = 0; i < 3; i++) fs.capture({ distinctId: "u", event: "blob", properties: { big } });
    fs.capture({ distinctId: "u", event: "huge", properties: { big: big.repeat(3) } });
    await fs.flush();
    const blobs = server.requests.slice(3);
    expect(blobs.map((r) => r.body.batch.length)).toEqual([2, 1]);
    for (const r of blobs) expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(1024 * 1024);
    expect(errors.map((e) => [e.kind, e.events.map((x) => x.event)])).toEqual([["too_large", ["huge"]]]);
  });

  it("uses the fetch it is given", async () => {
    const server = await startListener();
    const calls: string[] = [];
    const { fs } = client(server.url, { fetch: (url, init) => (calls.push(url), fetch(url, init)) });
    fs.capture({ distinctId: "u", event: "e" });
    await fs.flush();
    expect(calls).toEqual([`${server.url}/api/capture`]);
    expect(server.requests).toHaveLength(1);
  });
});

describe("node SDK: failures", () => {
  it("retries 503 with the same uuids until the server takes the batch", async () => {
    const server = await startListener((_, n) => ({ status: n <= 2 ? 503 : 200 }));
    const { fs, errors } = client(server.url);
    fs.capture({ distinctId: "u", event: "a" });
    fs.capture({ distinctId: "u", event: "b" });
    await fs.flush();
    expect(server.requests).toHaveLength(3);
    expect(uuids(server.requests[1]!)).toEqual(uuids(server.requests[0]!));
    expect(uuids(server.requests[2]!)).toEqual(uuids(server.requests[0]!));
    expect(errors).toEqual([]);
  });

  it("waits as long as Retry-After says after a 429", async () => {
    const server = await startListener((_, n) => (n === 1 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }));
    const { fs, errors } = client(server.url);
    fs.capture({ distinctId: "u", event: "a" });
    await fs.flush();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(uuids(server.requests[1]!)).toEqual(uuids(server.requests[0]!));
    expect(errors).toEqual([]);
  });

  it("does not retry a 400, and reports the events the server named", async () => {
    const refusal = { errors: [{ index: 1, field: "event", problem: "is empty" }], accepted: 1 };
    const server = await startListener(() => ({ status: 400, body: refusal }));
    const { fs, errors } = client(server.url);
    fs.capture({ distinctId: "u", event: "good" });
    fs.capture({ distinctId: "u", event: "bad" });
    await fs.flush();
    expect(server.requests).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ForesightError);
    expect(errors[0]).toMatchObject({ kind: "rejected", status: 400, details: refusal });
    expect(errors[0]!.events.map((e) => e.event)).toEqual(["bad"]);
  });

  it("does not retry a 401", async () => {
    const server = await startListener(() => ({ status: 401, body: { error: "bad key" } }));
    const { fs, errors } = client(server.url);
    fs.capture({ distinctId: "u", event: "a" });
    await fs.flush();
    expect(server.requests).toHaveLength(1);
    expect(errors.map((e) => [e.kind, e.status, e.events.length])).toEqual([["unauthorized", 401, 1]]);
  });

  it("gives up after maxRetries and reports the events", async () => {
    const server = await startListener(() => ({ status: 503 }));
    const { fs, errors } = client(server.url, { maxRetries: 2 });
    fs.capture({ distinctId: "u", event: "a" });
    await fs.flush();
    expect(server.requests).toHaveLength(3);
    expect(errors.map((e) => [e.kind, e.status, e.events.map((x) => x.event)])).toEqual([["retries_exhausted", 503, ["a"]]]);
  });

  it("splits a batch the server finds too large (413) and sends every event once", async () => {
    const server = await startListener((r) => ({ status: r.body.batch.length > 2 ? 413 : 200 }));
    const { fs, errors } = client(server.url);
    for (let i = 0; i < 5; i++) fs.capture({ distinctId: "u", event: `e${i}` });
    await fs.flush();
    expect(server.requests.map((r) => r.body.batch.length)).toEqual([5, 3, 2, 1, 2]);
    const delivered = server.requests.filter((r) => r.body.batch.length <= 2).flatMap((r) => r.body.batch.map((e) => e.event));
    expect(delivered).toEqual(["e0", "e1", "e2", "e3", "e4"]);
    expect(errors).toEqual([]);
  });

  it("retries network errors and reports them when retries run out", async () => {
    const server = await startListener();
    await server.close();
    const { fs, errors } = client(server.url, { maxRetries: 1 });
    fs.capture({ distinctId: "u", event: "a" });
    await fs.flush();
    expect(errors.map((e) => e.kind)).toEqual(["retries_exhausted"]);
    expect(errors[0]!.cause).toBeDefined();
  });

  it("never throws into the caller: bad input, unserialisable properties, a throwing fetch or onError", async () => {
    const errors: ForesightError[] = [];
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const fs = new Foresight({
      apiKey: "k",
      host: "http://127.0.0.1:9",
      maxRetries: 0,
      fetch: () => {
        throw new Error("fetch exploded");
      },
      onError: (e) => {
        errors.push(e);
        throw new Error("onError exploded too");
      },
    });
    expect(() => {
      fs.capture(undefined as never);
      fs.capture({ distinctId: "", event: "x" });
      fs.capture({ distinctId: "u", event: "x", timestamp: "not a date" });
      fs.capture({ distinctId: "u", event: "x", properties: circular });
      fs.capture({ distinctId: "u", event: "x", properties: { n: 1n } });
      fs.identify({} as never);
      fs.alias({ distinctId: "u" } as never);
      fs.capture({ distinctId: "u", event: "sent" });
    }).not.toThrow();
    await expect(fs.flush()).resolves.toBeUndefined();
    expect(errors.map((e) => e.kind)).toEqual([...Array(7).fill("invalid_input"), "retries_exhausted"]);
    expect(String(errors.at(-1)!.message)).toContain("fetch exploded");

    const broken = new Foresight({ apiKey: "", host: "not a url", onError: (e) => errors.push(e) });
    expect(() => broken.capture({ distinctId: "u", event: "x" })).not.toThrow();
    expect(errors.at(-1)!.kind).toBe("invalid_input");
  });
});

describe("node SDK: shutdown", () => {
  it("sends everything queued, waits for the request in flight, then refuses new events", async () => {
    const server = await startListener(() => ({ status: 200, delayMs: 300 }));
    const { fs, errors } = client(server.url, { flushAt: 1000, flushIntervalMs: 60_000 });
    fs.capture({ distinctId: "u", event: "a" });
    fs.capture({ distinctId: "u", event: "b" });
    await fs.shutdown();
    expect(server.answered).toHaveLength(1);
    expect(server.requests[0]!.body.batch.map((e) => e.event)).toEqual(["a", "b"]);

    fs.capture({ distinctId: "u", event: "too_late" });
    await fs.flush();
    expect(server.requests).toHaveLength(1);
    expect(errors.map((e) => [e.kind, e.events.map((x) => x.event)])).toEqual([["shutdown", ["too_late"]]]);
  });

  it("waits for a retry in progress, and with a timeout gives up and reports what is unsent", async () => {
    const flaky = await startListener((_, n) => ({ status: n === 1 ? 503 : 200 }));
    const patient = client(flaky.url, { retryBaseDelayMs: 200 });
    patient.fs.capture({ distinctId: "u", event: "a" });
    void patient.fs.flush();
    await waitFor(async () => flaky.requests.length === 1, "the first attempt");
    await patient.fs.shutdown();
    expect(flaky.requests).toHaveLength(2);
    expect(patient.errors).toEqual([]);

    const down = await startListener(() => ({ status: 503, headers: { "retry-after": "60" } }));
    const hasty = client(down.url);
    hasty.fs.capture({ distinctId: "u", event: "b" });
    await hasty.fs.shutdown(300);
    expect(hasty.errors.map((e) => [e.kind, e.events.map((x) => x.event)])).toEqual([["shutdown", ["b"]]]);
  });
});
