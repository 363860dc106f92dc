import { firstRun } from "../../server/bootstrap/first-run";
import { createHttpApp, listen, type WebServer } from "../../server/http";
import { createTestEnv, type TestEnv } from "./db";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

/** The real HTTP app (Remix build + tRPC) on a free port over a private database. */
export async function startTestWebServer(): Promise<{ env: TestEnv; web: WebServer; close(): Promise<void> }> {
  const env = await createTestEnv({ FORESIGHT_ADMIN_EMAIL: ADMIN.email, FORESIGHT_ADMIN_PASSWORD: ADMIN.password });
  await firstRun(env.db.prisma, env.config);
  const web = await listen(await createHttpApp(env.deps), 0, "127.0.0.1");
  return {
    env,
    web,
    async close() {
      await web.close();
      await env.close();
    },
  };
}
