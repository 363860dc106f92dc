import { describe, expect, it } from "vitest";
import { BrowserFlags } from "../../sdk/browser/src/index";
import { memoryStore } from "../../sdk/browser/src/storage";

function setup(opts: { answers?: Record<string, unknown>[] } = {}) {
  const client = { id: "u1", session: "s1", capturing: true, events: [] as [string, unknown][] };
  const requests: any[] = [];
  const answers = opts.answers ?? [{ flags: { banner: true, color: "blue", off: false }, payloads: { color: { hex: "#00f" } } }];
  const store = memoryStore();
  const make = () =>
    new BrowserFlags(
      { capture: (e, p) => client.events.push([e, p]), getDistinctId: () => client.id, getSessionId: () => client.session, isCapturing: () => client.capturing },
      {
        apiKey: "fs_pub_x", host: "http://fs.test", storage: store, personProperties: { plan: "pro" },
        fetch: async (url, init) => {
          requests.push({ url, body: JSON.parse(init.body) });
          const a = answers[Math.min(requests.length - 1, answers.length - 1)];
          return { status: 200, json: async () => a };
        },
      },
    );
  return { client, requests, store, make };
}

describe("browser SDK flags", () => {
  it("fetches flags for the current distinct id and answers from them", async () => {
    const { requests, make } = setup();
    const flags = make();
    expect(flags.getFeatureFlag("banner")).toBeUndefined(); // nothing cached yet
    const seen: unknown[] = [];
    await new Promise<void>((resolve) => flags.onFeatureFlags((f) => (seen.push(f), resolve())));
    expect(requests[0]).toEqual({ url: "http://fs.test/api/flags", body: { api_key: "fs_pub_x", distinct_id: "u1", person_properties: { plan: "pro" } } });
    expect(flags.isFeatureEnabled("banner")).toBe(true);
    expect(flags.getFeatureFlag("color")).toBe("blue");
    expect(flags.isFeatureEnabled("off")).toBe(false);
    expect(flags.getFeatureFlagPayload("color")).toEqual({ hex: "#00f" });
    expect(seen).toEqual([{ banner: true, color: "blue", off: false }]);
  });

  it("sends $feature_flag_called once per flag and value per session", async () => {
    const { client, make } = setup();
    const flags = make();
    await flags.reload();
    flags.getFeatureFlag("color");
    flags.getFeatureFlag("color");
    flags.isFeatureEnabled("banner");
    flags.getFeatureFlag("color", { sendEvent: false });
    expect(client.events).toEqual([
      ["$feature_flag_called", { $feature_flag: "color", $feature_flag_response: "blue" }],
      ["$feature_flag_called", { $feature_flag: "banner", $feature_flag_response: true }],
    ]);
    make().getFeatureFlag("color"); // a new page in the same session: from the cache, not sent again
    expect(client.events).toHaveLength(2);
    client.session = "s2";
    flags.getFeatureFlag("color");
    expect(client.events).toHaveLength(3);
  });

  it("answers from the localStorage cache on the next page, and not for another person", async () => {
    const { client, make, requests } = setup({ answers: [{ flags: { banner: true }, payloads: {} }, { flags: { banner: false }, payloads: {} }] });
    await make().reload();
    const next = make();
    expect(next.isFeatureEnabled("banner", { sendEvent: false })).toBe(true); // cached, before its own request answers
    client.id = "u2";
    expect(next.getFeatureFlag("banner")).toBeUndefined();
    await next.reload();
    expect(requests.at(-1).body.distinct_id).toBe("u2");
  });

  it("while capture is off, exposures are neither sent nor marked as sent", async () => {
    const { client, make } = setup();
    const flags = make();
    await flags.reload();
    client.capturing = false; // opted out, or consent not given yet
    expect(flags.getFeatureFlag("color")).toBe("blue");
    expect(client.events).toEqual([]);
    client.capturing = true; // consent given later in the same session
    flags.getFeatureFlag("color");
    expect(client.events).toEqual([["$feature_flag_called", { $feature_flag: "color", $feature_flag_response: "blue" }]]);
  });
});
