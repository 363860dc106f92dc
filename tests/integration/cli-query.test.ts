import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { createProject } from "../../server/projects/create-project";
import { runInsight } from "../../server/query/run";
import { INSIGHT_KINDS, insightQuery } from "../../server/query/schema";
import { createTestEnv, type TestEnv } from "../support/db";
import { spawnForesight } from "../support/spawn-foresight";

let env: TestEnv;
let dir: string;
let slug: string;
let projectId: string;

/** Two persons yesterday: both search, only the first books. A second project has other events. */
beforeAll(async () => {
  env = await createTestEnv();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-query-"));
  const { project } = await createProject(env.db.prisma, { name: "CLI query" });
  const { project: other } = await createProject(env.db.prisma, { name: "CLI other" });
  slug = other.slug;
  projectId = project.id;
  const base = Date.now() - 24 * 3600_000;
  const rows: [string, string, string, number][] = [
    [project.id, "p1", "search", 0],
    [project.id, "p1", "booking_completed", 5],
    [project.id, "p2", "search", 1],
    [other.id, "q1", "search", 0],
  ];
  const persons = new Map<string, string>();
  for (const [projectId, who, event, minutes] of rows) {
    if (!persons.has(who)) {
      persons.set(who, randomUUID());
      await env.db.pool.query(`insert into persons (id, project_id) values ($1, $2)`, [persons.get(who), projectId]);
    }
    await env.db.pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id) values ($1, $2, $3, $4, $5, $6)`,
      [projectId, randomUUID(), event, new Date(base + minutes * 60_000), who, persons.get(who)],
    );
  }
});
afterAll(async () => {
  await env?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function queryFile(query: unknown): Promise<string> {
  const file = path.join(dir, `${randomUUID()}.json`);
  await fs.writeFile(file, JSON.stringify(query));
  return file;
}

async function run(args: string[]) {
  const p = spawnForesight(["query", ...args], { DATABASE_URL: env.url, FORESIGHT_DEMO_DATA: "false" });
  const { code } = await p.exited;
  const out = p.output();
  return { code, out };
}

const funnel = { kind: "funnels", steps: [{ event: "search" }, { event: "booking_completed" }], dateRange: { from: "-7d" } };

describe("foresight query", () => {
  it("prints the answer as JSON, for the first project or the one named", async () => {
    const file = await queryFile(funnel);
    const { code, out } = await run(["--file", file]);
    expect(code, out).toBe(0);
    const answer = JSON.parse(out);
    expect(answer.kind).toBe("funnels");
    expect(answer.meta.cached).toBe(false);
    expect(answer.result.breakdowns[0].steps.map((s: { count: number }) => s.count)).toEqual([2, 1]);

    const other = await run(["--file", file, "--project", slug]);
    expect(other.code, other.out).toBe(0);
    expect(JSON.parse(other.out).result.breakdowns[0].steps.map((s: { count: number }) => s.count)).toEqual([1, 0]);
  }, 120_000);

  it("prints the result table as CSV", async () => {
    const { code, out } = await run(["--file", await queryFile(funnel), "--format", "csv"]);
    expect(code, out).toBe(0);
    const parsed = Papa.parse<Record<string, string>>(out.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.map((r) => [r.step, r.label, r.persons, r.conversion_from_start, r.dropped_off])).toEqual([
      ["1", "search", "2", "1", "0"],
      ["2", "booking_completed", "1", "0.5", "1"],
    ]);
  }, 120_000);

  it("exits 1 with one line naming the field of a bad query, a bad file or a bad option", async () => {
    const notJson = path.join(dir, "broken.json");
    await fs.writeFile(notJson, "{ nope");
    const [oneStep, unknownKind, broken, missing, format, project] = await Promise.all([
      run(["--file", await queryFile({ kind: "funnels", steps: [{ event: "search" }] })]),
      run(["--file", await queryFile({ kind: "crystal_ball" })]),
      run(["--file", notJson]),
      run(["--file", path.join(dir, "missing.json")]),
      run(["--file", await queryFile(funnel), "--format", "xml"]),
      run(["--file", await queryFile(funnel), "--project", "no-such-project"]),
    ]);
    expect(oneStep.code).toBe(1);
    expect(oneStep.out.trim()).toMatch(/^foresight: steps: /);
    expect(unknownKind.code).toBe(1);
    expect(unknownKind.out.trim()).toMatch(/^foresight: kind: /);
    expect(broken.code).toBe(1);
    expect(broken.out.trim()).toMatch(/^foresight: --file: .* is not JSON/);
    expect(missing.code).toBe(1);
    expect(missing.out.trim()).toMatch(/^foresight: --file: cannot read .*ENOENT/);
    expect(format.code).toBe(1);
    expect(format.out.trim()).toBe('foresight: --format: use json or csv (got "xml")');
    expect(project.code).toBe(1);
    expect(project.out.trim()).toBe('foresight: --project: no project with slug "no-such-project"');
  }, 180_000);
});

describe("docs/queries.md", () => {
  it("has one example per kind, and each one runs", async () => {
    const doc = await fs.readFile(path.join(repoRoot, "docs", "queries.md"), "utf8");
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
    expect(examples.map((e) => e.kind).sort()).toEqual([...INSIGHT_KINDS].sort());
    for (const example of examples) {
      const answer = await runInsight(env.db.pool, { id: projectId, timezone: "UTC" }, insightQuery.parse(example));
      expect(answer.kind).toBe(example.kind);
    }
  });
});
