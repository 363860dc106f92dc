import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../server/db/embedded";
import { ensureDatabase, withDatabase } from "../../server/db/ensure-database";
import { createLogger } from "../../server/logger";
import { createTestDatabase } from "../support/db";
import { startLoad } from "../support/load";
import { spawnForesight, type Spawned } from "../support/spawn-foresight";
import { waitFor } from "../support/wait";

const KEY = "fs_pub_durability_test_key_0001";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function countPerUuid(url: string, uuids: string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("select uuid::text, count(*)::int as n from events where uuid = any($1::uuid[]) group by uuid", [uuids]);
    return new Map(rows.map((r) => [r.uuid as string, r.n as number]));
  } finally {
    await client.end();
  }
}

function startWeb(env: Record<string, string>): { proc: Spawned; ready: Promise<string> } {
  const proc = spawnForesight(["web"], { FORESIGHT_DEMO_DATA: "false", FORESIGHT_WRITE_KEY: KEY, FORESIGHT_ADMIN_PASSWORD: "durability-123", ...env });
  return { proc, ready: proc.waitForOutput(/Foresight is running at (\S+)/, 90_000).then((m) => m[1]!) };
}

describe("durability", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-durability-"));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it("kill -9 during a load: every acknowledged event is stored exactly once after restart", async () => {
    const db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, PORT: String(await freePort()), FORESIGHT_DATA_DIR: path.join(dataDir, "kill") };
    try {
      const first = startWeb(env);
      let url = await first.ready;
      const load = startLoad({ url: () => url, key: KEY, workers: 8 });
      await waitFor(async () => load.acked.size > 2000, "some acknowledged events");
      first.proc.child.kill("SIGKILL");
      await first.proc.exited;
      await sleep(300);
      const second = startWeb(env);
      url = await second.ready;
      await sleep(500);
      await load.stop();
      // Clients retry what was never acknowledged, and some retry acknowledged batches too.
      for (const batch of load.sent.slice(0, 40)) {
        await fetch(url + "/api/capture", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ api_key: KEY, batch }) });
      }
      const acked = [...load.acked];
      const counts = await countPerUuid(db.url, acked);
      expect(acked.length).toBeGreaterThan(2000);
      expect(acked.filter((u) => counts.get(u) !== 1)).toEqual([]);
      const all = await countPerUuid(db.url, load.sent.flat().map((e) => e.uuid as string));
      expect([...all.values()].every((n) => n === 1)).toBe(true);
      second.proc.ctrlC();
      expect((await second.proc.exited).code).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it("database down during a load: acknowledged events are spooled and arrive exactly once when it returns", async () => {
    const pgPort = await freePort();
    const pgDir = path.join(dataDir, "pg");
    const logger = createLogger("warn");
    let server: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, logger });
    const url = withDatabase(server.url, "foresight");
    await ensureDatabase(url);
    const env = { DATABASE_URL: url, PORT: String(await freePort()), FORESIGHT_DATA_DIR: path.join(dataDir, "down") };
    const web = startWeb(env);
    try {
      const base = await web.ready;
      const load = startLoad({ url: () => base, key: KEY, workers: 6 });
      await waitFor(async () => load.acked.size > 1000, "acknowledged events before the outage");
      await server.stop();
      const beforeOutage = load.acked.size;
      await waitFor(async () => load.acked.size > beforeOutage + 1000, "events acknowledged while the database is down", 30_000);
      const spooled = (await fs.readdir(path.join(env.FORESIGHT_DATA_DIR, "spool", "main"))).filter((f) => f.endsWith(".log"));
      expect(spooled.length).toBeGreaterThan(0);
      const during = await fetch(base + "/api/capture", {
        method: "POST",
        body: JSON.stringify({ api_key: KEY, event: "during-outage", distinct_id: "d", uuid: "00000000-0000-4000-8000-0000000000d0" }),
      });
      expect(await during.json()).toMatchObject({ status: 1, accepted: 1, spooled: true });
      server = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, logger });
      await sleep(1000);
      await load.stop();
      const acked = [...load.acked, "00000000-0000-4000-8000-0000000000d0"];
      const counts = await waitFor(async () => {
        const c = await countPerUuid(url, acked);
        return acked.every((u) => c.has(u)) ? c : null;
      }, "the spool to be replayed", 60_000);
      expect(acked.filter((u) => counts.get(u) !== 1)).toEqual([]);
      await waitFor(async () => (await fs.readdir(path.join(env.FORESIGHT_DATA_DIR, "spool", "main"))).filter((f) => f.endsWith(".log")).length === 0, "an empty spool");
    } finally {
      web.proc.ctrlC();
      await web.proc.exited;
      await server.stop();
    }
  });
});
