import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../server/auth/tokens";
import { findApiKey } from "../../server/auth/api-keys";
import { createProject } from "../../server/projects/create-project";
import { createTestEnv, type TestEnv } from "../support/db";
import { anonymousCaller, signIn, TEST_PASSWORD } from "../support/users";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ FORESIGHT_LOGIN_MAX_ATTEMPTS: "3" });
  await createProject(env.db.prisma, { name: "Auth tests" });
});
afterAll(() => env.close());

describe("login", () => {
  it("creates a session for the right password and stores only its hash", async () => {
    const { user } = await signIn(env.deps, "viewer", "ok@auth.test");
    const res = await anonymousCaller(env.deps).auth.login({ email: "OK@auth.test", password: TEST_PASSWORD });
    expect(res.user.id).toBe(user.id);
    const row = await env.db.prisma.session.findUnique({ where: { id: sha256(res.token) } });
    expect(row?.userId).toBe(user.id);
    expect(await env.db.prisma.session.findUnique({ where: { id: res.token } })).toBeNull();
  });

  it("answers the same for an unknown email and a wrong password", async () => {
    await signIn(env.deps, "viewer", "known@auth.test");
    const a = anonymousCaller(env.deps);
    await expect(a.auth.login({ email: "known@auth.test", password: "wrong-password" })).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password" });
    await expect(a.auth.login({ email: "nobody@auth.test", password: "wrong-password" })).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password" });
  });

  it("rate-limits repeated failures for an email, even with the right password and from another IP", async () => {
    await signIn(env.deps, "viewer", "target@auth.test");
    for (let i = 0; i < 3; i++) {
      await expect(anonymousCaller(env.deps).auth.login({ email: "target@auth.test", password: `guess-${i}-xx` })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(anonymousCaller(env.deps).auth.login({ email: "target@auth.test", password: TEST_PASSWORD })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("rate-limits one IP trying many emails", async () => {
    const ip = "10.77.0.1";
    for (let i = 0; i < 3; i++) {
      await expect(anonymousCaller(env.deps, ip).auth.login({ email: `spray${i}@auth.test`, password: "whatever-1" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(anonymousCaller(env.deps, ip).auth.login({ email: "ok@auth.test", password: TEST_PASSWORD })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(anonymousCaller(env.deps).auth.login({ email: "ok@auth.test", password: TEST_PASSWORD })).resolves.toBeTruthy();
  });

  it("refuses disabled users and ends their sessions", async () => {
    const admin = await signIn(env.deps, "admin");
    const victim = await signIn(env.deps, "analyst", "disabled@auth.test");
    await admin.caller.users.update({ id: victim.user.id, disabled: true });
    await expect(victim.caller.auth.me()).resolves.toBeNull();
    await expect(anonymousCaller(env.deps).auth.login({ email: "disabled@auth.test", password: TEST_PASSWORD })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("logout ends the session", async () => {
    const s = await signIn(env.deps, "viewer");
    expect((await s.caller.auth.me())?.id).toBe(s.user.id);
    await s.caller.auth.logout();
    expect(await s.caller.auth.me()).toBeNull();
  });

  it("rejects malformed input with field errors, not a 500", async () => {
    await expect(anonymousCaller(env.deps).auth.login({ email: "not-an-email", password: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("user management", () => {
  it("keeps at least one active admin", async () => {
    const fresh = await createTestEnv();
    try {
      await createProject(fresh.db.prisma, { name: "Solo" });
      const admin = await signIn(fresh.deps, "admin");
      await expect(admin.caller.users.update({ id: admin.user.id, role: "viewer" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(admin.caller.users.update({ id: admin.user.id, disabled: true })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    } finally {
      await fresh.close();
    }
  });

  it("creates users with a generated password shown once, and audits it", async () => {
    const admin = await signIn(env.deps, "admin");
    const res = await admin.caller.users.create({ email: "new@auth.test", role: "analyst" });
    expect(res.generatedPassword).toMatch(/^[\w-]{20}$/);
    await expect(anonymousCaller(env.deps).auth.login({ email: "new@auth.test", password: res.generatedPassword! })).resolves.toBeTruthy();
    await expect(admin.caller.users.create({ email: "new@auth.test", role: "viewer" })).rejects.toMatchObject({ code: "CONFLICT" });
    const log = await admin.caller.audit.list();
    expect(log.find((e) => e.action === "user.created" && e.targetId === res.user.id)?.actorEmail).toBe(admin.user.email);
  });
});

describe("API keys", () => {
  it("returns the plaintext once, stores a hash, and stops working when revoked", async () => {
    const admin = await signIn(env.deps, "admin");
    const created = await admin.caller.apiKeys.create({ kind: "secret", name: "ci" });
    expect(created.key).toMatch(/^fs_sec_/);
    const listed = await admin.caller.apiKeys.list();
    const row = listed.find((k) => k.id === created.id)!;
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(row.prefix).toBe(created.key.slice(0, 11));
    expect((await findApiKey(env.db.prisma, created.key, "secret"))?.id).toBe(created.id);
    expect(await findApiKey(env.db.prisma, created.key, "write")).toBeNull();
    await admin.caller.apiKeys.revoke({ id: created.id });
    expect(await findApiKey(env.db.prisma, created.key, "secret")).toBeNull();
  });
});
