import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { flushSentry, initSentry } from "../../server/monitoring/sentry";
import { publicProcedure, router, createCallerFactory } from "../../server/trpc/init";
import { createContext } from "../../server/trpc/context";
import { startWorker } from "../../workers/runner";
import { startTestWebServer } from "../support/web-server";
import { signIn } from "../support/users";
import { createTestEnv, type TestEnv } from "../support/db";
import { startSentryListener } from "../support/sentry-listener";
import { waitFor } from "../support/wait";

let env: TestEnv;
let sentry: Awaited<ReturnType<typeof startSentryListener>>;
let runner: Runner | undefined;

beforeAll(async () => {
  sentry = await startSentryListener();
  expect(initSentry({ dsn: sentry.dsn, environment: "test" })).toBe(true);
  env = await createTestEnv();
});
afterAll(async () => {
  await runner?.stop();
  await env.close();
  await sentry.close();
});

describe("Sentry delivery to a local listener", () => {
  it("captures an unexpected procedure error with its path, and hides it from the client", async () => {
    // Same builders as every real procedure, so the error-reporting middleware is the real one.
    const testRouter = router({ explode: publicProcedure.query(() => { throw new Error("boom in procedure"); }) });
    const caller = createCallerFactory(testRouter)(() => createContext(env.deps, { headers: new Headers(), ip: "127.0.0.1" }));
    await expect(caller.explode()).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    await flushSentry();
    const event = await waitFor(
      async () => sentry.events().find((e) => e.exception?.values?.[0]?.value === "boom in procedure"),
      "the procedure error at the listener",
    );
    expect(event.contexts.foresight).toMatchObject({ kind: "trpc", path: "explode", type: "query" });
    expect(event.tags["foresight.kind"]).toBe("trpc");
    expect(event.environment).toBe("test");
  });

  it("captures a failing job with the job's context", async () => {
    runner = await startWorker(env.deps);
    await env.db.pool.query("select graphile_worker.add_job('purge_expired_sessions', $1::json, max_attempts := 1)", [
      JSON.stringify({ jobHistoryDays: "not a number" }),
    ]);
    const event = await waitFor(async () => {
      await flushSentry();
      return sentry.events().find((e) => e.contexts?.foresight?.kind === "job");
    }, "the job error at the listener");
    expect(event.contexts.foresight).toMatchObject({ task: "purge_expired_sessions", attempt: 1 });
    expect(event.exception.values[0].value).toMatch(/invalid payload/);
  });

  it("captures a failing Remix loader with the request URL", async () => {
    const server = await startTestWebServer();
    try {
      const { cookie } = await signIn(server.env.deps, "admin");
      await server.env.db.pool.end(); // the database goes away under a running web server
      const res = await fetch(`${server.web.url}/settings/projects`, { headers: { cookie } });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toMatch(/pool|Cannot use/i);
      const event = await waitFor(async () => {
        await flushSentry();
        return sentry.events().find((e) => e.contexts?.foresight?.kind === "remix");
      }, "the loader error at the listener");
      expect(event.contexts.foresight.url).toBe(`${server.web.url}/settings/projects`);
    } finally {
      await server.close().catch(() => {});
    }
  });
});
