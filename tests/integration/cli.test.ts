import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/db/embedded";
import { createTestDatabase } from "../support/db";
import { spawnForesight } from "../support/spawn-foresight";
import { waitFor } from "../support/wait";

/** Live processes whose environment contains `text` (forked web processes inherit it). */
function processesWithEnv(text: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(text)) found.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function isEsbuild(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("esbuild");
  } catch {
    return false;
  }
}

function processesMentioning(text: string): string[] {
  const ps = execFileSync("ps", ["-eo", "pid,args"]).toString().split("\n");
  return ps.filter((l) => l.includes(text) && !l.includes("ps -eo"));
}

describe("foresight command", () => {
  it("prints help for the command and each subcommand", async () => {
    const top = spawnForesight(["--help"], {});
    expect((await top.exited).code).toBe(0);
    for (const cmd of ["start", "web", "worker", "migrate"]) expect(top.output()).toContain(cmd);
    const migrate = spawnForesight(["migrate", "--help"], {});
    expect((await migrate.exited).code).toBe(0);
    expect(migrate.output()).toMatch(/deploy[\s\S]*create[\s\S]*status/);
  });

  it("exits non-zero with one line naming a bad variable", async () => {
    const p = spawnForesight(["start"], { PORT: "eighty", SENTRY_DSN: "not a url" });
    const { code } = await p.exited;
    expect(code).not.toBe(0);
    const lines = p.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^foresight: invalid configuration: /);
    expect(lines[0]).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(lines[0]).toMatch(/SENTRY_DSN: /);
  });

  it("exits non-zero with one line when the port is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "0.0.0.0", r));
    const port = (blocker.address() as net.AddressInfo).port;
    const db = await createTestDatabase();
    try {
      const p = spawnForesight(["web"], { PORT: String(port), DATABASE_URL: db.url });
      const { code } = await p.exited;
      expect(code).toBe(1);
      expect(p.output().trim()).toBe(`foresight: PORT: port ${port} is already in use`);
    } finally {
      blocker.close();
      await db.drop();
    }
  });
});

describe("foresight web with several processes", () => {
  it("serves capture from every process and stops them all on Ctrl-C", async () => {
    const db = await createTestDatabase();
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-cluster-"));
    const key = "fs_pub_cluster_test_key_00001";
    try {
      const p = spawnForesight(["web"], {
        DATABASE_URL: db.url, PORT: String(await freePort()), FORESIGHT_DATA_DIR: dataDir,
        FORESIGHT_WEB_PROCESSES: "2", FORESIGHT_WRITE_KEY: key, FORESIGHT_DEMO_DATA: "false",
      });
      const [, url] = await p.waitForOutput(/Foresight is running at (\S+)/, 90_000);
      expect(p.output()).toContain("(2 web processes)");
      // The supervisor and its two web processes (tsx's esbuild service, when a source changed since
      // its cache was filled, inherits the environment too and is not one of them).
      expect(processesWithEnv(`FORESIGHT_DATA_DIR=${dataDir}`).filter((pid) => !isEsbuild(pid)).length).toBe(3);
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        fetch(`${url}/api/capture`, { method: "POST", body: JSON.stringify({ api_key: key, event: "c", distinct_id: `d${i}` }) }).then((r) => r.status)));
      expect(responses.every((s) => s === 200)).toBe(true);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      expect((await client.query("select count(*)::int as n from events")).rows[0].n).toBe(20);
      await client.end();
      p.ctrlC();
      expect((await p.exited).code).toBe(0);
      await waitFor(async () => processesWithEnv(`FORESIGHT_DATA_DIR=${dataDir}`).length === 0, "every web process to exit", 10_000);
    } finally {
      await db.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("foresight start on embedded PostgreSQL", () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-start-"));
    env = {
      FORESIGHT_DATA_DIR: dataDir,
      FORESIGHT_PG_PORT: String(await freePort()),
      PORT: String(await freePort()),
      FORESIGHT_ADMIN_EMAIL: "ops@start.test",
    };
  });
  afterAll(async () => {
    // After a failure, nothing of this test may outlive it: the servers (found by their
    // environment) and their PostgreSQL (found by its data directory argument).
    for (const pid of processesWithEnv(`FORESIGHT_DATA_DIR=${dataDir}`)) process.kill(pid, "SIGKILL");
    for (const line of processesMentioning(dataDir)) process.kill(Number(line.trim().split(" ")[0]), "SIGKILL");
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function login(base: string, password: string) {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "ops@start.test", password, redirectTo: "/" }),
      redirect: "manual",
    });
    return res;
  }

  async function eventCount(): Promise<number> {
    const password = (await fs.readFile(path.join(dataDir, "pg-password"), "utf8")).trim();
    const client = new pg.Client({ connectionString: `postgresql://foresight:${password}@127.0.0.1:${env.FORESIGHT_PG_PORT}/foresight` });
    await client.connect();
    try {
      return (await client.query("select count(*)::int as n from events")).rows[0].n;
    } finally {
      await client.end();
    }
  }

  it("serves the login page, loads demo data, stops cleanly on Ctrl-C, and keeps its data for the next start", { timeout: 300_000 }, async () => {
    const first = spawnForesight(["start"], env);
    const [, url] = await first.waitForOutput(/Foresight is running at (\S+)/, 90_000);
    const [, password] = await first.waitForOutput(/Log in as ops@start\.test with password (\S+)/);
    expect(first.output()).toMatch(/write key\s+fs_pub_/);
    const [, loaded] = await first.waitForOutput(/Demo data loaded: ([\d,]+) events/, 120_000);
    const demoEvents = Number(loaded!.replace(/,/g, ""));
    expect(demoEvents).toBeGreaterThan(50_000);
    expect(await eventCount()).toBe(demoEvents);

    const page = await fetch(`${url}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form[^>]*method="post"[^>]*action="\/login"/);
    const health = await (await fetch(`${url}/api/health`)).json();
    expect(health.database.ok).toBe(true);
    expect((await login(url!, password!)).status).toBe(302);

    expect(processesMentioning(dataDir).length).toBeGreaterThan(0);
    first.ctrlC();
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(processesMentioning(dataDir)).toEqual([]);

    const second = spawnForesight(["start"], env);
    await second.waitForOutput(/Foresight is running at/, 90_000);
    expect(second.output()).not.toMatch(/with password|shown once|demo data/i);
    expect(await eventCount()).toBe(demoEvents);
    const res = await login(url!, password!);
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toMatch(/fs_session=.+HttpOnly; SameSite=Lax/);
    second.ctrlC();
    expect((await second.exited).code).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});
