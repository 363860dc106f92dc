import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { launchChromium } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe("browser: log in", () => {
  it("sends a logged-out visitor to the login page, logs in, shows home, logs out", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.web.url}/settings/users`);
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => u.pathname === "/settings/users");

    await page.goto(`${server.web.url}/`);
    const nav = page.getByRole("navigation").first();
    for (const area of ["Insights", "Dashboards", "Experiments", "Flags", "Forecasts", "Monitoring", "Alerts", "Reports", "Settings"]) {
      expect(await nav.getByRole("link", { name: new RegExp(`\\b${area}\\b`, "i") }).isVisible(), area).toBe(true);
    }
    await page.getByText(ADMIN.email).first().waitFor({ state: "visible" });
    await page.screenshot({ path: path.join(artifacts, "home.png"), fullPage: true });
    expect(errors).toEqual([]);

    await page.getByRole("button", { name: /log out/i }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "fs_session")).toBeUndefined();
  });

  it("works without JavaScript, and says why a login failed", async () => {
    const context = await chrome.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.web.url}/login`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    expect((await page.getByRole("alert").textContent())?.trim()).toBe("Wrong email or password");

    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    const session = (await context.cookies()).find((c) => c.name === "fs_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    await context.close();
  });
});
