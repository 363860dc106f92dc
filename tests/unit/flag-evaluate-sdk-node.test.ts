import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateFlag, ForesightFlags, type FlagsFetch } from "../../sdk/node/src/index";

const vectors = JSON.parse(readFileSync(new URL("../../server/flags/evaluation-vectors.json", import.meta.url), "utf8"));

describe("Node SDK flag evaluation", () => {
  it("passes the published evaluation vectors, with and without the hash memo", () => {
    const client = new ForesightFlags({ host: "http://unused.invalid" });
    const wrong = [];
    for (const c of vectors.cases) {
      const subject = { ...c.subject, cohorts: c.subject.cohorts };
      for (const got of [evaluateFlag(vectors.flags[c.flag], subject), evaluateFlag(vectors.flags[c.flag], subject, client.bucket)]) {
        if (JSON.stringify(got) !== JSON.stringify(c.expected)) wrong.push({ flag: c.flag, subject: c.subject, got, expected: c.expected });
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("evaluates locally from polled definitions and asks the server only for cohort rules", async () => {
    const calls: string[] = [];
    const flags = [
      vectors.flags.everyone,
      vectors.flags.cohort,
    ];
    const fetch: FlagsFetch = async (url, init) => {
      calls.push(`${init.method} ${new URL(url).pathname}`);
      if (url.endsWith("/api/flags/definitions")) {
        if (init.headers["if-none-match"] === '"v1"') return { status: 304, headers: { get: () => '"v1"' }, text: async () => "" };
        return { status: 200, headers: { get: (n) => (n === "etag" ? '"v1"' : null) }, text: async () => JSON.stringify({ flags }) };
      }
      return { status: 200, headers: { get: () => null }, text: async () => JSON.stringify({ flags: { cohort: true }, payloads: {} }) };
    };
    const captured: unknown[] = [];
    const client = new ForesightFlags({ host: "http://x", secretKey: "fs_sec_x", apiKey: "fs_pub_x", fetch, pollIntervalMs: 0, exposures: { capture: (m) => captured.push(m) } });
    expect(await client.ready()).toBe(true);
    expect(await client.isFeatureEnabled("everyone", "u1")).toBe(true);
    expect(await client.getFeatureFlagPayload("everyone", "u1")).toEqual({ banner: "hi" });
    expect(calls).toEqual(["GET /api/flags/definitions"]);
    expect(await client.getFeatureFlag("cohort", "u1", { personProperties: { plan: "pro" } })).toBe(true); // rule 0 decides locally
    expect(calls).toHaveLength(1);
    expect(await client.getFeatureFlag("cohort", "u1")).toBe(true); // reaches the cohort rule: remote
    expect(calls).toEqual(["GET /api/flags/definitions", "POST /api/flags"]);
    expect(await client.getFeatureFlag("cohort", "u1", { cohorts: [], onlyLocal: true })).toBe(false);
    expect(await client.reloadDefinitions()).toBe(false); // 304
    expect(captured).toEqual([{ distinctId: "u1", event: "$feature_flag_called", properties: { $feature_flag: "everyone", $feature_flag_response: true } }, { distinctId: "u1", event: "$feature_flag_called", properties: { $feature_flag: "cohort", $feature_flag_response: true } }, { distinctId: "u1", event: "$feature_flag_called", properties: { $feature_flag: "cohort", $feature_flag_response: false } }]);
  });

  it("reports failures instead of throwing", async () => {
    const errors: string[] = [];
    const client = new ForesightFlags({ host: "http://x", secretKey: "bad", fetch: async () => ({ status: 401, headers: { get: () => null }, text: async () => "no" }), pollIntervalMs: 0, onError: (e) => errors.push(e.kind) });
    expect(await client.ready()).toBe(false);
    expect(await client.getFeatureFlag("any", "u1")).toBeUndefined();
    expect(errors).toEqual(["unauthorized"]);
  });
});
