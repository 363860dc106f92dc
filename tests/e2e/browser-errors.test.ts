import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { startSentryListener } from "../support/sentry-listener";
import { waitFor } from "../support/wait";
import { ADMIN, startTestWebServer } from "../support/web-server";

// The app's own browser errors: with a DSN (the local Sentry listener's), Sentry's global handler
// catches an uncaught error thrown in the app's window, the listener receives the envelope, and
// the errors page shows the error with a link to that Sentry event. Without a DSN nothing of
// Sentry loads, and the error is still recorded locally.
const artifacts = path.join(repoRoot, "tests", ".artifacts");
const WEB_URL = "https://sentry.example.test/organizations/acme/issues/?project={projectId}&query={eventId}";
let sentry: Awaited<ReturnType<typeof startSentryListener>>;
let withSentry: Awaited<ReturnType<typeof startTestWebServer>>;
let withoutSentry: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  sentry = await startSentryListener();
  [withSentry, withoutSentry, chrome] = await Promise.all([
    startTestWebServer({ SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: "e2e", FORESIGHT_SENTRY_WEB_URL: WEB_URL }),
    startTestWebServer(),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await chrome?.close();
  await withSentry?.close();
  await withoutSentry?.close();
  await sentry?.close();
});

/** Throws from a timer callback in the app's window: an uncaught error, as a bug in a click handler would be. */
async function throwInPage(page: Page, message: string) {
  await page.evaluate((m) => {
    setTimeout(() => {
      throw new TypeError(m);
    }, 0);
  }, message);
}

async function browserRecord(server: typeof withSentry, message: string) {
  return waitFor(async () => {
    const { rows } = await server.env.db.pool.query(
      `select source, message, count, sentry_event_id, stack, context from error_records where source = 'browser' and message = $1`,
      [message],
    );
    return rows[0];
  }, `the browser error "${message}" in error_records`);
}

describe("browser errors with Sentry configured", () => {
  it("sends the envelope to Sentry, records the error locally and links the errors-page row to the event", async () => {
    const page = await chrome.browser.newPage();
    const sentryChunks: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith("http://127.0.0.1:" + new URL(sentry.dsn).port)) sentryChunks.push(r.url());
    });
    await logIn(page, withSentry.web.url, ADMIN, "/monitoring");
    // Sentry is loaded on demand once the page knows the DSN.
    await page.waitForFunction(() => "__SENTRY__" in window);

    const message = "Cannot read properties of undefined (reading 'fare') in checkout widget";
    await throwInPage(page, message);

    const event = await waitFor(async () => sentry.events().find((e) => e.exception?.values?.[0]?.value === message), "the Sentry envelope");
    expect(event.exception.values[0].type).toBe("TypeError");
    expect(event.platform).toBe("javascript");
    expect(event.environment).toBe("e2e");
    expect(event.request?.url).toBe(`${withSentry.web.url}/monitoring`);
    expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(sentryChunks.some((u) => u.includes("/api/4242/envelope/"))).toBe(true);

    const record = await browserRecord(withSentry, message);
    expect(record).toMatchObject({ source: "browser", count: 1, sentry_event_id: event.event_id });
    expect(record.context).toMatchObject({ kind: "browser", url: "/monitoring" });
    expect(record.context.userAgent).toContain("Chrome");

    await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: "Errors" }).click();
    await page.waitForURL((u) => u.pathname === "/monitoring/errors");
    const row = page.getByTestId("error-records").getByRole("row").filter({ hasText: "checkout widget" });
    await row.waitFor();
    expect(await row.getByText("browser", { exact: true }).count()).toBe(1);
    const link = row.getByRole("link", { name: /View in Sentry/ });
    expect(await link.getAttribute("href")).toBe(`https://sentry.example.test/organizations/acme/issues/?project=4242&query=${event.event_id}`);
    await page.screenshot({ path: path.join(artifacts, "browser-errors.png"), fullPage: true });
    await page.close();
  });

  it("reports unhandled promise rejections too", async () => {
    const page = await chrome.browser.newPage();
    await logIn(page, withSentry.web.url, ADMIN);
    await page.waitForFunction(() => "__SENTRY__" in window);
    const message = "Fare lookup rejected for MAN-AMS";
    await page.evaluate((m) => {
      void Promise.reject(new Error(m));
    }, message);
    const event = await waitFor(async () => sentry.events().find((e) => e.exception?.values?.[0]?.value === message), "the rejection's envelope");
    expect(event.exception.values[0].mechanism).toMatchObject({ handled: false });
    const record = await browserRecord(withSentry, message);
    expect(record.sentry_event_id).toBe(event.event_id);
    await page.close();
  });
});

describe("browser errors without Sentry", () => {
  it("loads nothing of Sentry and still records the error locally, without a link", async () => {
    const page = await chrome.browser.newPage();
    await logIn(page, withoutSentry.web.url, ADMIN, "/monitoring");
    const env = await page.evaluate(() => (window as any).__FORESIGHT_ENV__);
    expect(env.monitoring.sentryDsn).toBeNull();
    const message = "Seat map failed to render row 14";
    await throwInPage(page, message);
    // Twice more: one row, counted.
    await throwInPage(page, message);
    const record = await waitFor(async () => {
      const r = await browserRecord(withoutSentry, message);
      return r.count === 2 ? r : null;
    }, "two occurrences");
    expect(record.sentry_event_id).toBeNull();
    expect(record.stack).toContain("TypeError: " + message);
    expect(await page.evaluate(() => "__SENTRY__" in window)).toBe(false);

    await page.goto(`${withoutSentry.web.url}/monitoring/errors`);
    const row = page.getByTestId("error-records").getByRole("row").filter({ hasText: "Seat map failed" });
    await row.waitFor();
    expect(await row.textContent()).toContain("2");
    expect(await row.getByRole("link", { name: /View in Sentry/ }).count()).toBe(0);
    await page.close();
  });
});

describe("POST /api/client-errors", () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${withoutSentry.web.url}/api/client-errors`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: withoutSentry.web.url, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const ok = { message: "Boom", url: "/insights" };

  it("refuses other origins", async () => {
    expect((await post(ok, { origin: "https://evil.example" })).status).toBe(403);
    expect((await post(ok, { "sec-fetch-site": "cross-site" })).status).toBe(403);
  });

  it("answers 400 naming the field, 413 for a large body, 400 for broken JSON", async () => {
    const bad = await post({ ...ok, sentryEventId: "not-an-id" }, { "x-forwarded-for": "10.1.0.1" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^sentryEventId: /);
    const empty = await post({ url: "/x", message: "" }, { "x-forwarded-for": "10.1.0.1" });
    expect((await empty.json()).error).toMatch(/^message: /);
    const big = await post({ ...ok, stack: "x".repeat(20_000) }, { "x-forwarded-for": "10.1.0.1" });
    expect(big.status).toBe(413);
    expect((await post("{not json", { "x-forwarded-for": "10.1.0.1" })).status).toBe(400);
  });

  it("rate-limits per client: 20 a minute", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await post({ message: `Rate ${i}`, url: "/" }, { "x-forwarded-for": "10.2.0.2" })).status);
    expect(statuses.slice(0, 20).every((s) => s === 204)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});
