import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorFingerprint, installErrorRecorder } from "../../server/monitoring/error-records";
import { flushSentry, initSentry } from "../../server/monitoring/sentry";
import { createProject } from "../../server/projects/create-project";
import { createContext } from "../../server/trpc/context";
import { createCallerFactory, publicProcedure, router } from "../../server/trpc/init";
import { createTestEnv, type TestEnv } from "../support/db";
import { startSentryListener } from "../support/sentry-listener";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";
import { startWorker } from "../../workers/runner";

let env: TestEnv;
let sentry: Awaited<ReturnType<typeof startSentryListener>>;

beforeAll(async () => {
  sentry = await startSentryListener();
  expect(initSentry({ dsn: sentry.dsn, environment: "test" })).toBe(true);
  env = await createTestEnv({ SENTRY_DSN: sentry.dsn });
  await createProject(env.db.prisma, { name: "Errors" });
  installErrorRecorder(env.deps);
});
afterAll(async () => {
  await env?.close();
  await sentry?.close();
});

function explode(n: number): never {
  throw new Error(`payment provider timed out after ${n} ms`);
}

describe("local error records", () => {
  it("records a failing procedure once per fingerprint with count, first and last seen, and the Sentry event", async () => {
    const testRouter = router({ fail: publicProcedure.query(() => explode(Math.floor(Math.random() * 1000))) });
    const caller = createCallerFactory(testRouter)(() => createContext(env.deps, { headers: new Headers(), ip: "127.0.0.1" }));
    for (let i = 0; i < 3; i++) await expect(caller.fail()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });

    const record = await waitFor(async () => {
      const rows = await env.db.prisma.errorRecord.findMany({ where: { source: "trpc" } });
      return rows.length === 1 && rows[0]!.count === 3 ? rows[0]! : null;
    }, "one record counted three times");
    expect(record.message).toMatch(/^payment provider timed out after \d+ ms$/);
    expect(record.stack).toContain("explode");
    expect(record.firstSeen.getTime()).toBeLessThanOrEqual(record.lastSeen.getTime());
    expect(record.context).toMatchObject({ kind: "trpc", path: "fail", type: "query" });

    await flushSentry();
    const event = await waitFor(async () => sentry.events().find((e) => e.event_id === record.sentryEventId), "the Sentry event with the stored id");
    expect(event.exception.values[0].value).toBe(record.message);

    const { caller: viewer } = await signIn(env.deps, "viewer");
    const [shown] = await viewer.monitoring.errors();
    expect(shown).toMatchObject({ id: record.id, count: 3, sentryEventId: record.sentryEventId });
    const port = new URL(sentry.dsn).port;
    expect(shown!.sentryUrl).toBe(`http://127.0.0.1:${port}/projects/4242/events/${record.sentryEventId}/`);
  });

  it("records a failing job with its task", async () => {
    const runner = await startWorker(env.deps);
    try {
      await env.db.pool.query("select graphile_worker.add_job('purge_expired_sessions', $1::json, max_attempts := 1)", [
        JSON.stringify({ jobHistoryDays: "soon" }),
      ]);
      const record = await waitFor(() => env.db.prisma.errorRecord.findFirst({ where: { source: "job" } }), "the job error record");
      expect(record.message).toMatch(/^invalid payload for purge_expired_sessions/);
      expect(record.context).toMatchObject({ kind: "job", task: "purge_expired_sessions", attempt: 1 });
    } finally {
      await runner.stop();
    }
  });

  it("fingerprints by message shape and top frame", () => {
    const a = new Error("row 12 missing");
    const b = new Error("row 13 missing");
    b.stack = a.stack!.replace("row 12", "row 13");
    expect(errorFingerprint(a.message, a.stack)).toBe(errorFingerprint(b.message, b.stack));
    expect(errorFingerprint("other", a.stack)).not.toBe(errorFingerprint(a.message, a.stack));
  });
});
