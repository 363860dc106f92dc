import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoData } from "../../server/bootstrap/demo-data";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
const DAYS = 14;
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

/**
 * A small demo (14 days, 400 persons) through the real ingest path: its checkout sends
 * `$feature_flag_called` for "checkout-redesign" with each person's variant, and the variant
 * changes checkout -> payment conversion (server/demo/summary.ts `experiment`).
 */
beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  await loadDemoData(server.env.deps, server.capture, { seed: 7, days: DAYS, persons: 400 });
}, 240_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe("browser: experiments", () => {
  it("sets up and starts an experiment on the demo's checkout-redesign flag through the wizard and reads its results", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN);

    await page.getByRole("navigation").first().getByRole("link", { name: /experiments/i }).click();
    await page.waitForURL((u) => u.pathname === "/experiments");
    await page.getByRole("link", { name: "New", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/experiments/new", { timeout: 60_000 });

    await page.getByLabel("Key", { exact: true }).fill("checkout-redesign");
    await page.getByLabel("Name", { exact: true }).fill("Checkout redesign");
    await page.getByLabel("Hypothesis").fill("The redesigned checkout gets more people to payment.");
    // The demo's flag is not a stored flag yet: a new one, keyed like the experiment, with control / test 50 / 50.
    await page.locator('select[name="flag"]').selectOption("new");
    const primary = page.getByTestId("metric-primary");
    await primary.getByRole("combobox", { name: /^Kind/ }).selectOption("conversion");
    await primary.getByRole("combobox", { name: /^Event/ }).fill("payment_submitted");
    await primary.getByLabel("Window (hours after first exposure)").fill("2");
    const guardrail = page.getByTestId("metric-guardrail0");
    await guardrail.getByRole("combobox", { name: /^Kind/ }).selectOption("count");
    await guardrail.getByRole("combobox", { name: /^Event/ }).fill("payment_failed");
    await guardrail.getByLabel("Lower is better (errors, refunds)").check();

    // Power calculator: 58% baseline, +10% relative (0.58 -> 0.638), alpha 5%, power 80%: the normal
    // approximation (z_.975 sqrt(2 pbar qbar) + z_.8 sqrt(p1 q1 + p2 q2))^2 / 0.058^2 = 1109.98,
    // worked out with Python's statistics.NormalDist, so 1,110 per variant.
    await page.getByLabel("Baseline conversion rate (%)").fill("58");
    await page.getByLabel("Minimum detectable effect (relative %)").fill("10");
    await page.getByRole("button", { name: "Calculate" }).click();
    await page.getByTestId("sample-size").waitFor();
    expect(await page.getByTestId("sample-size").textContent()).toContain("1,110 people per variant");
    expect(await page.getByLabel("Minimum sample size per variant").inputValue()).toBe("1110");

    // The demo's flag has served these variants for the whole demo: count exposures from its first day.
    const from = new Date(Date.now() - (DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Count exposures from").fill(from);
    await page.screenshot({ path: path.join(artifacts, "experiment-wizard.png"), fullPage: true });
    await page.getByRole("button", { name: "Create experiment" }).click();
    await page
      .waitForURL((u) => /^\/experiments\/[0-9a-f-]{36}$/.test(u.pathname), { timeout: 120_000 })
      .catch(async (err) => {
        await page.screenshot({ path: path.join(artifacts, "experiment-create-failed.png"), fullPage: true });
        throw err;
      });

    const table = page.getByTestId("variant-table");
    await table.waitFor();
    const rows = await table.locator("tbody tr").allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("control");
    expect(rows[1]).toContain("test");
    const people = await table.locator("tbody tr td.num:nth-of-type(1)").allTextContents();
    expect(people.map((t) => Number(t.replace(/,/g, "")))).toEqual([expect.any(Number), expect.any(Number)]);
    expect(people.every((t) => Number(t.replace(/,/g, "")) > 10)).toBe(true);
    const guidance = await page.getByTestId("guidance").textContent();
    expect(guidance).toMatch(/test|control|difference/i);
    expect(guidance).toContain("vs control on payment_submitted conversion");
    await page.getByTestId("sequence-chart").waitFor();
    expect(await page.getByText("Guardrail: payment_failed per user (72 h)").count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "experiment-results.png"), fullPage: true });

    // The flag now exists, on, with the experiment's variants; the list shows the experiment running.
    const flag = await server.env.db.prisma.featureFlag.findFirstOrThrow({ where: { key: "checkout-redesign" } });
    expect(flag.enabled).toBe(true);
    expect(flag.variants).toEqual([{ key: "control", weight: 50 }, { key: "test", weight: 50 }]);
    const resultsUrl = page.url();
    await page.getByRole("link", { name: "Experiments", exact: true }).first().click();
    await page.waitForURL((u) => u.pathname === "/experiments");
    expect(await page.getByTestId("experiments-table").textContent()).toContain("running");

    // Declare "test" the winner: the flag serves it to everyone.
    await page.goto(resultsUrl);
    const declare = page.getByTestId("declare-winner");
    await declare.locator('select[name="winner"]').selectOption("test");
    await declare.getByRole("button", { name: "Declare winner and roll out to 100%" }).click();
    await page.getByText('"test" is the winner and is rolled out to 100% through the flag.').waitFor();
    const after = await server.env.db.prisma.featureFlag.findFirstOrThrow({ where: { key: "checkout-redesign" } });
    expect(after.rules).toEqual([{ conditions: [], rollout: 100, variant: "test" }]);
    expect(errors).toEqual([]);
  }, 400_000);
});
