import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { randomUUID } from "node:crypto";
import type { Runner } from "graphile-worker";
import { createProject } from "../../server/projects/create-project";
import { enqueue } from "../../server/jobs/queue";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";

let env: TestEnv;
let analyst: Awaited<ReturnType<typeof signIn>>;
let viewer: Awaited<ReturnType<typeof signIn>>;
let projectId: string;
const persons = { ann: randomUUID(), bob: randomUUID(), cy: randomUUID() };

beforeAll(async () => {
  env = await createTestEnv();
  const { project } = await createProject(env.db.prisma, { name: "Cohort API" });
  projectId = project.id;
  analyst = await signIn(env.deps, "analyst");
  viewer = await signIn(env.deps, "viewer");
  await analyst.caller.projects.select({ id: projectId });
  await viewer.caller.projects.select({ id: projectId });
  const plans: Record<keyof typeof persons, string> = { ann: "pro", bob: "free", cy: "pro" };
  for (const [name, id] of Object.entries(persons)) {
    await env.db.pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, projectId, JSON.stringify({ plan: plans[name as keyof typeof persons] })]);
    await env.db.pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [projectId, `${name}@x`, id]);
  }
});
afterAll(() => env?.close());

const proRule = { type: "group", op: "and", rules: [{ type: "property", filter: { type: "person", key: "plan", operator: "equals", value: "pro" } }] } as const;

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected a tRPC error");
}

describe("cohorts router", () => {
  it("creates, lists, reads, pages members, renames and deletes", async () => {
    const { cohort, computed } = await analyst.caller.cohorts.create({ kind: "dynamic", name: "Pro", definition: proRule });
    expect(computed).toMatchObject({ memberCount: 2, added: 2, removed: 0 });
    expect(cohort).toMatchObject({ name: "Pro", kind: "dynamic", memberCount: 2, usedBy: [] });
    expect((await viewer.caller.cohorts.list()).map((c) => c.name)).toContain("Pro");
    expect((await viewer.caller.cohorts.get({ id: cohort.id })).definition).toEqual(proRule);

    const page = await viewer.caller.cohorts.members({ id: cohort.id, limit: 1 });
    expect(page.members).toHaveLength(1);
    const rest = await viewer.caller.cohorts.members({ id: cohort.id, limit: 1, cursor: page.nextCursor! });
    expect(new Set([page.members[0]!.personId, rest.members[0]!.personId])).toEqual(new Set([persons.ann, persons.cy]));

    const renamed = await analyst.caller.cohorts.update({ id: cohort.id, name: "Pro plan" });
    expect(renamed.cohort.name).toBe("Pro plan");
    expect(await analyst.caller.cohorts.delete({ id: cohort.id })).toEqual({ id: cohort.id });
    expect((await trpcError(viewer.caller.cohorts.get({ id: cohort.id }))).code).toBe("NOT_FOUND");
  });

  it("viewers read, analysts write", async () => {
    const err = await trpcError(viewer.caller.cohorts.create({ kind: "static", name: "nope" }));
    expect(err.code).toBe("FORBIDDEN");
  });

  it("uploads a static CSV and reports unknown ids", async () => {
    const { cohort } = await analyst.caller.cohorts.create({ kind: "static", name: "Uploaded" });
    const res = await analyst.caller.cohorts.uploadCsv({ id: cohort.id, csv: "distinct_id\nann@x\nghost@x\nbob@x\n" });
    expect(res).toMatchObject({ matchedPersons: 2, unknown: ["ghost@x"], unknownCount: 1, memberCount: 2 });
  });

  it("answers 400 naming the field for bad definitions, cycles and bad CSV rows", async () => {
    const zod = await trpcError(
      analyst.caller.cohorts.create({
        kind: "dynamic",
        name: "bad",
        definition: { type: "group", op: "and", rules: [{ type: "property", filter: { type: "event", key: "x", operator: "is_set" } }] },
      }),
    );
    expect(zod.code).toBe("BAD_REQUEST");
    expect(zod.message).toMatch(/definition/);

    const missing = randomUUID();
    const ref = await trpcError(
      analyst.caller.cohorts.create({ kind: "dynamic", name: "dangling", definition: { type: "group", op: "and", rules: [{ type: "cohort", cohortId: missing }] } }),
    );
    expect(ref.code).toBe("BAD_REQUEST");
    expect(ref.message).toBe(`definition: refers to cohort ${missing}, which does not exist in this project`);

    const { cohort: a } = await analyst.caller.cohorts.create({ kind: "dynamic", name: "A", definition: proRule });
    const { cohort: b } = await analyst.caller.cohorts.create({ kind: "dynamic", name: "B", definition: { type: "group", op: "and", rules: [{ type: "cohort", cohortId: a.id }] } });
    const cycle = await trpcError(analyst.caller.cohorts.update({ id: a.id, definition: { type: "group", op: "and", rules: [{ type: "cohort", cohortId: b.id }] } }));
    expect(cycle.code).toBe("BAD_REQUEST");
    expect(cycle.message).toMatch(/^definition: cohort rules would form a cycle: A -> B -> A$/);

    const { cohort: s } = await analyst.caller.cohorts.create({ kind: "static", name: "S" });
    const csv = await trpcError(analyst.caller.cohorts.uploadCsv({ id: s.id, csv: `person_id\n${persons.ann}\n12345\n`, idType: "person_id" }));
    expect(csv.code).toBe("BAD_REQUEST");
    expect(csv.message).toMatch(/^csv: row 3: /);

    const regex = await trpcError(
      analyst.caller.cohorts.create({
        kind: "dynamic",
        name: "bad regex",
        definition: { type: "group", op: "and", rules: [{ type: "property", filter: { type: "person", key: "plan", operator: "regex", value: "(" } }] },
      }),
    );
    expect(regex.code).toBe("BAD_REQUEST");
    expect((await viewer.caller.cohorts.list()).map((c) => c.name)).not.toContain("bad regex");
  });
});

describe("recompute through the real graphile-worker", () => {
  let runner: Runner;
  beforeAll(async () => {
    runner = await startWorker(env.deps);
  });
  afterAll(() => runner?.stop());

  it("cohorts.recompute queues the task; the worker replaces the membership and records the run", async () => {
    const { cohort } = await analyst.caller.cohorts.create({ kind: "dynamic", name: "Pro (worker)", definition: proRule });
    expect(cohort.memberCount).toBe(2);
    // Bob upgrades: the next recompute must add him.
    await env.db.pool.query(`update persons set properties = '{"plan":"pro"}' where id = $1`, [persons.bob]);
    const queued = await analyst.caller.cohorts.recompute({ id: cohort.id, wait: false });
    expect(queued.queued).toBe(true);
    const run = await waitFor(
      () => env.db.prisma.jobRun.findFirst({ where: { task: "recompute_cohorts", jobId: queued.queued ? queued.jobId : "", status: { not: "running" } } }),
      "the recompute run",
    );
    expect(run.status).toBe("completed");
    expect(run.result).toEqual({ cohorts: 1, memberCount: 3, added: 1, removed: 0 });
    expect((await viewer.caller.cohorts.get({ id: cohort.id })).memberCount).toBe(3);
    await env.db.pool.query(`update persons set properties = '{"plan":"free"}' where id = $1`, [persons.bob]);
  });

  it("the scheduled form recomputes every cohort of a project; a second run changes nothing", async () => {
    const before = await viewer.caller.cohorts.list();
    const job = await enqueue(env.db.pool, "recompute_cohorts", { projectId, _cron: { ts: new Date().toISOString(), backfilled: false } });
    const run = await waitFor(() => env.db.prisma.jobRun.findFirst({ where: { jobId: job.id, status: { not: "running" } } }), "the scheduled run");
    expect(run.status).toBe("completed");
    const dynamic = before.filter((c) => c.kind === "dynamic").length;
    expect(run.result).toMatchObject({ cohorts: before.length, failed: 0 });
    // Bob went back to free: he leaves "Pro (worker)" (and no other dynamic cohort changed).
    expect(run.result).toMatchObject({ removed: 1, added: 0 });
    expect(dynamic).toBeGreaterThan(0);

    const again = await enqueue(env.db.pool, "recompute_cohorts", { projectId });
    const second = await waitFor(() => env.db.prisma.jobRun.findFirst({ where: { jobId: again.id, status: { not: "running" } } }), "the second run");
    expect(second.result).toMatchObject({ cohorts: before.length, added: 0, removed: 0, failed: 0 });
  });

  it("cohorts built on a changed cohort follow it through the worker", async () => {
    const { cohort: base } = await analyst.caller.cohorts.create({ kind: "static", name: "Base list" });
    await analyst.caller.cohorts.uploadCsv({ id: base.id, csv: "ann@x\n" });
    const { cohort: dependent } = await analyst.caller.cohorts.create({
      kind: "dynamic",
      name: "In base list",
      definition: { type: "group", op: "and", rules: [{ type: "cohort", cohortId: base.id }] },
    });
    expect(dependent.memberCount).toBe(1);
    await analyst.caller.cohorts.uploadCsv({ id: base.id, csv: "ann@x\nbob@x\n" });
    const after = await waitFor(async () => {
      const d = await viewer.caller.cohorts.get({ id: dependent.id });
      return d.memberCount === 2 ? d : null;
    }, "the dependent cohort to be recomputed");
    expect(after.memberCount).toBe(2);
  });
});
