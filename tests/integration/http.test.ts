import { afterAll, beforeAll, describe, expect, it } from "vitest";
import superjson from "superjson";
import { ADMIN, startTestWebServer } from "../support/web-server";
import { signIn } from "../support/users";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let base: string;
beforeAll(async () => {
  server = await startTestWebServer();
  base = server.web.url;
});
afterAll(() => server?.close());

function form(data: Record<string, string>) {
  return { method: "POST", body: new URLSearchParams(data), redirect: "manual" as const };
}

describe("HTTP server", () => {
  it("answers health checks with the database state", async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: { ok: true } });
  });

  it("sends logged-out visitors to the login form", async () => {
    const res = await fetch(`${base}/settings/users`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fusers");
    const html = await (await fetch(`${base}/login`)).text();
    expect(html).toMatch(/<input[^>]*name="email"/);
    expect(html).toMatch(/<input[^>]*name="password"[^>]*type="password"|type="password"[^>]*name="password"/);
  });

  it("logs in with a plain form post and sets an httpOnly SameSite cookie", async () => {
    const bad = await fetch(`${base}/login`, form({ email: ADMIN.email, password: "nope-nope" }));
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("Wrong email or password");
    const invalid = await fetch(`${base}/login`, form({ email: "not an email", password: "" }));
    expect(invalid.status).toBe(400);

    const ok = await fetch(`${base}/login`, form({ ...ADMIN, redirectTo: "/settings/users" }));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/settings/users");
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^fs_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    const home = await fetch(`${base}/`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(ADMIN.email);
  });

  it("refuses a login redirect to another site", async () => {
    const res = await fetch(`${base}/login`, form({ ...ADMIN, redirectTo: "//evil.example/" }));
    expect(res.headers.get("location")).toBe("/");
  });

  it("serves tRPC to the browser client with role checks as HTTP statuses", async () => {
    const viewer = await signIn(server.env.deps, "viewer");
    const call = (path: string, input: unknown, cookie: string) =>
      fetch(`${base}/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify(superjson.serialize(input)),
      });
    const forbidden = await call("users.create", { email: "x@y.z", role: "admin" }, viewer.cookie);
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.json.data.code).toBe("FORBIDDEN");

    const anonymous = await call("users.create", { email: "x@y.z", role: "admin" }, "");
    expect(anonymous.status).toBe(401);

    const me = await fetch(`${base}/api/trpc/auth.me`, { headers: { cookie: viewer.cookie } });
    expect(me.status).toBe(200);
    expect(superjson.deserialize((await me.json()).result.data)).toMatchObject({ email: viewer.user.email, role: "viewer" });

    const admin = await signIn(server.env.deps, "admin");
    const invalid = await call("users.create", { email: "nope", role: "wizard" }, admin.cookie);
    expect(invalid.status).toBe(400);
    const body = await invalid.json();
    expect(Object.keys(body.error.json.data.fieldErrors).sort()).toEqual(["email", "role"]);
  });

  it("shows admin pages to admins only", async () => {
    const viewer = await signIn(server.env.deps, "viewer");
    const admin = await signIn(server.env.deps, "admin");
    expect((await fetch(`${base}/settings/users`, { headers: { cookie: viewer.cookie } })).status).toBe(403);
    const page = await fetch(`${base}/settings/users`, { headers: { cookie: admin.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(viewer.user.email);
  });

  it("answers 404 for unknown pages", async () => {
    const admin = await signIn(server.env.deps, "admin");
    expect((await fetch(`${base}/no-such-area`, { headers: { cookie: admin.cookie } })).status).toBe(404);
  });
});
