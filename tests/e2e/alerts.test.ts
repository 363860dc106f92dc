import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { repoRoot } from "../../server/config";
import { startWorker } from "../../workers/runner";
import { launchChromium, logIn } from "../support/browser";
import { startHttpListener } from "../support/http-listener";
import { waitFor } from "../support/wait";
import { recordError } from "../../server/monitoring/error-records";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let hook: Awaited<ReturnType<typeof startHttpListener>>;
let runner: Runner;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome, hook] = await Promise.all([startTestWebServer(), launchChromium(), startHttpListener()]);
  runner = await startWorker(server.env.deps);
});
afterAll(async () => {
  await runner?.stop();
  await chrome?.close();
  await hook?.close();
  await server?.close();
});

describe("browser: alert rules", () => {
  it("creates a channel and a rule in the UI, and sees the rule fire", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN);

    await page.goto(`${server.web.url}/monitoring/channels`);
    const channelForm = page.getByRole("form", { name: "New channel" });
    await channelForm.getByLabel("Channel name").fill("Ops hook");
    await channelForm.getByLabel("URL", { exact: true }).fill(hook.url("/alerts"));
    await channelForm.getByLabel("Signing secret").fill("ui-secret-0123456789");
    await channelForm.getByRole("button", { name: "Add channel" }).click();
    await page.getByText("Channel “Ops hook” added.").waitFor();

    await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: "Alerts" }).click();
    await page.waitForURL((u) => u.pathname === "/monitoring/alerts");
    const form = page.getByRole("form", { name: "Alert rule" });
    await form.getByLabel("Rule name").fill("Checkout errors (UI)");
    await form.getByLabel(/^Metric/).fill("ui_checkout_errors");
    await form.getByLabel("Aggregation").selectOption("last");
    await form.getByLabel("Threshold").fill("5");
    await form.getByLabel("Cooldown (seconds)").fill("600");
    await form.getByLabel("Severity").selectOption("critical");
    await form.getByLabel(/Ops hook/).check();
    await form.getByRole("button", { name: "Create rule" }).click();
    await page.getByText("Saved “Checkout errors (UI)”.").waitFor();
    const row = page.getByTestId("alert-rules").getByRole("row", { name: /Checkout errors \(UI\)/ });
    expect(await row.textContent()).toContain("last(ui_checkout_errors)");
    expect(await row.textContent()).toContain("ok");

    // The metric breaches; "Evaluate now" runs what the job runs each minute.
    await server.env.db.prisma.metricSample.create({ data: { name: "ui_checkout_errors", labels: {}, value: 9, at: new Date(Date.now() - 1000) } });
    await page.getByRole("button", { name: "Evaluate now" }).click();
    await page.getByText(/1 fired/).waitFor();
    await page.getByTestId("alert-rules").getByRole("row", { name: /Checkout errors \(UI\).*firing/ }).waitFor({ timeout: 10_000 });
    const history = page.getByTestId("alert-history").getByRole("row", { name: /Checkout errors \(UI\)/ });
    expect(await history.textContent()).toContain("firing");
    expect(await history.textContent()).toContain("9");

    // The worker delivers it to the webhook.
    const received = await waitFor(async () => hook.received[0], "the webhook delivery");
    expect(received.json).toMatchObject({ type: "alert_firing", ruleName: "Checkout errors (UI)", value: 9, threshold: 5, severity: "critical" });

    await history.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByText("Acknowledged.").waitFor();
    await page.screenshot({ path: path.join(artifacts, "alerts.png"), fullPage: true });

    await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: "Channels" }).click();
    await page.getByTestId("deliveries").getByRole("row", { name: /Ops hook/ }).filter({ hasText: "sent" }).first().waitFor();

    await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: "Overview" }).click();
    await page.getByText("1 firing: Checkout errors (UI)").waitFor();
    for (const [tab, heading] of [["Performance", "HTTP routes"], ["Errors", "Recorded errors"]] as const) {
      await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: tab }).click();
      await page.getByRole("heading", { name: heading }).waitFor();
    }
    expect(errors).toEqual([]);
  });

  it("updates the monitoring overview live when errors are injected", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN);
    await page.goto(`${server.web.url}/monitoring`);
    const shown = page.getByTestId("overview-errors");
    const before = Number((await shown.textContent())!.match(/^(\d+) occurrence/)![1]);
    await page.evaluate(() => ((window as any).__stillHere = true));

    // A failing procedure records its error; the page learns of it over SSE, without a reload.
    // Same message and throw site: one record counted twice.
    for (let i = 0; i < 2; i++) {
      await recordError(server.env.db.prisma, { source: "trpc", error: new Error("injected failure"), context: { kind: "trpc", path: "test.inject" } });
    }
    await page.getByTestId("overview-errors").filter({ hasText: `${before + 2} occurrence(s)` }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);

    await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: "Errors" }).click();
    const row = page.getByTestId("error-records").getByRole("row").filter({ hasText: "injected failure" });
    expect(await row.textContent()).toContain("2");
    expect(errors).toEqual([]);
  });
});
