import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { firstRun } from "../../server/bootstrap/first-run";
import { ensureEventPartitions } from "../../server/ingest/partitions";
import { createCaptureService, wireCaptureHooks, type CaptureService } from "../../server/ingest/service";
import { createHttpApp, listen, type WebServer } from "../../server/http";
import { createTestEnv, type TestEnv } from "./db";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

/** The real HTTP app (Remix build + tRPC) on a free port over a private database. */
export async function startTestWebServer(extraEnv: Record<string, string> = {}): Promise<{ env: TestEnv; web: WebServer; capture: CaptureService; close(): Promise<void> }> {
  const env = await createTestEnv({ FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password, ...extraEnv });
  await firstRun(env.db.prisma, env.config);
  await ensureEventPartitions(env.db.pool);
  const capture = await createCaptureService(env.deps, { spoolDir: await fs.mkdtemp(path.join(os.tmpdir(), "foresight-spool-")) });
  wireCaptureHooks(env.deps, capture);
  const web = await listen(await createHttpApp(env.deps, { capture }), 0, "127.0.0.1");
  return {
    env,
    web,
    capture,
    async close() {
      await web.close();
      await capture.close();
      await env.close();
    },
  };
}
