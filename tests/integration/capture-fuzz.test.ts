import zlib from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "../../server/projects/create-project";
import { startTestWebServer } from "../support/web-server";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let key: string;
beforeAll(async () => {
  server = await startTestWebServer();
  key = (await createProject(server.env.db.prisma, { name: "Fuzz" })).keys.write;
});
afterAll(() => server?.close());

/** Built after the project exists, so every arbitrary sees the real write key. */
function requests(key: string) {
  const paths = ["/api/capture", "/e/", "/batch/", "/capture/", "/i/v0/e/", "/v1/batch", "/v1/track", "/v1/identify", "/v1/alias"];
  const hostile = fc.oneof(
    fc.string(),
    fc.constantFrom("__proto__", "constructor", "\u0000", "\ud800", "a\\b", "\t\n\r", "'; drop table events; --", "$set", "🙂".repeat(50)),
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      fc.jsonValue(),
      hostile,
      fc.double(),
      fc.array(tie("v"), { maxLength: 4 }),
      fc.dictionary(hostile, tie("v"), { maxKeys: 5 }),
    ),
  })).v;
  const event = fc.record(
    {
      event: fc.oneof(fc.string(), hostile, fc.constant("$identify"), fc.integer()),
      distinct_id: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
      timestamp: fc.oneof(fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? "garbage" : d.toISOString())), fc.integer(), fc.string()),
      uuid: fc.oneof(fc.uuid(), fc.string()),
      properties: fc.oneof(fc.dictionary(hostile, value, { maxKeys: 8 }), value),
      $set: value,
      type: fc.constantFrom("track", "identify", "page", "alias", "group", "nonsense"),
      userId: fc.oneof(fc.string(), fc.integer()),
      previousId: fc.string(),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.record({ api_key: fc.constant(key), batch: fc.array(event, { maxLength: 6 }), sent_at: fc.oneof(fc.string(), fc.date().map((d) => (Number.isNaN(d.getTime()) ? 0 : d.toISOString()))) }, { requiredKeys: ["api_key"] }).map((b) => JSON.stringify(b)),
    event.map((e) => JSON.stringify({ ...e, api_key: key })),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string(),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
  );
  // Mostly well-formed events with hostile properties: these should usually be stored.
  const plausible = fc.record({
    path: fc.constantFrom("/api/capture", "/batch/", "/e/"),
    body: fc
      .array(
        fc.record({
          event: fc.string({ minLength: 1, maxLength: 50 }),
          distinct_id: fc.string({ minLength: 1, maxLength: 50 }),
          uuid: fc.uuid(),
          properties: fc.dictionary(hostile, value, { maxKeys: 8 }),
        }),
        { minLength: 1, maxLength: 5 },
      )
      .map((batch) => JSON.stringify({ api_key: key, batch })),
    gzip: fc.boolean(),
    contentType: fc.constant("application/json"),
    auth: fc.constant(""),
  });
  const arbitrary = fc.record({
    path: fc.constantFrom(...paths),
    body,
    gzip: fc.boolean(),
    contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "application/xml", "", "multipart/form-data"),
    auth: fc.constantFrom("", `Bearer ${key}`, "Basic " + Buffer.from(key + ":").toString("base64"), "Basic !!!", "Bearer"),
  });
  const request = fc.oneof(plausible, arbitrary);
  return request;
}

describe("capture fuzzing", () => {
  it("answers 1,200 random bodies without a single 5xx, and stays up", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests(key), async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers["content-type"] = r.contentType;
        if (r.auth) headers.authorization = r.auth;
        let payload: Buffer = Buffer.from(r.body, "utf8");
        if (r.gzip) {
          payload = zlib.gzipSync(payload);
          headers["content-encoding"] = "gzip";
        }
        const res = await fetch(server.web.url + r.path, { method: "POST", headers, body: new Uint8Array(payload) });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${res.status} for ${r.path}: ${text}`);
        if (res.status >= 400) expect(JSON.parse(text).errors[0]).toHaveProperty("problem");
      }),
      { numRuns: 1200, seed: 20261122 },
    );
    expect((await fetch(server.web.url + "/api/health")).status).toBe(200);
    // The generator must reach both outcomes, or the test proves little.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(2);
  });
});
