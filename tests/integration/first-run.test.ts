import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findApiKey } from "../../server/auth/api-keys";
import { verifyPassword } from "../../server/auth/password";
import { firstRun } from "../../server/bootstrap/first-run";
import { loadConfig } from "../../server/config";
import { createTestEnv, type TestEnv } from "../support/db";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe("first run", () => {
  it("creates the admin, the project and its keys once; later runs change nothing", async () => {
    const config = loadConfig({
      FORESIGHT_ADMIN_EMAIL: "Boss@Example.com",
      FORESIGHT_ADMIN_PASSWORD: "from-the-env-123",
      FORESIGHT_WRITE_KEY: "fs_pub_fixed_write_key_for_tests",
      FORESIGHT_DEMO_DATA: "true",
    });
    const first = await firstRun(env.db.prisma, config);
    expect(first.admin).toEqual({ email: "boss@example.com", password: null });
    expect(first.project?.writeKey).toBeNull();
    expect(first.project?.secretKey).toMatch(/^fs_sec_/);

    const admin = await env.db.prisma.user.findUniqueOrThrow({ where: { email: "boss@example.com" } });
    expect(admin.role).toBe("admin");
    expect(await verifyPassword("from-the-env-123", admin.passwordHash)).toBe(true);
    expect(await findApiKey(env.db.prisma, "fs_pub_fixed_write_key_for_tests", "write")).not.toBeNull();
    expect(await findApiKey(env.db.prisma, first.project!.secretKey!, "secret")).not.toBeNull();

    const counts = async () => ({
      users: await env.db.prisma.user.count(),
      projects: await env.db.prisma.project.count(),
      keys: await env.db.prisma.apiKey.count(),
      audit: await env.db.prisma.auditLog.count(),
    });
    const before = await counts();
    const second = await firstRun(env.db.prisma, config);
    expect(second).toEqual({ admin: null, project: null });
    expect(await counts()).toEqual(before);
  });

  it("adds a key fixed by the environment later, once", async () => {
    const config = loadConfig({ FORESIGHT_SECRET_KEY: "fs_sec_added_later_by_operator", FORESIGHT_DEMO_DATA: "false" });
    await firstRun(env.db.prisma, config);
    await firstRun(env.db.prisma, config);
    expect(await env.db.prisma.apiKey.count({ where: { prefix: "fs_sec_adde" } })).toBe(1);
  });
});
