import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemoData } from "../../server/bootstrap/demo-data";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  await loadDemoData(server.env.deps, server.capture, { seed: 3, days: 30, persons: 250 });
}, 120_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe("browser: price explorer", () => {
  it("picks a route and a date, shows the forecast band and the advice with the model's backtest accuracy", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN, "/forecasts/price");

    // The first visit trains a model on demand: its version and backtest accuracy are shown.
    const accuracy = page.getByTestId("price-model-accuracy");
    await accuracy.waitFor();
    expect(await accuracy.textContent()).toMatch(/v1.*sMAPE.*\d+(\.\d)?%.*80% band coverage\s*\d+%/s);

    const origins = await page.getByLabel("Origin").locator("option").allTextContents();
    expect(origins.length).toBeGreaterThan(3);
    await page.getByLabel("Origin").selectOption("LHR");
    const destinations = await page.getByLabel("Destination").locator("option").allTextContents();
    await page.getByLabel("Destination").selectOption(destinations.includes("JFK") ? "JFK" : destinations.find((d) => d !== "LHR")!);
    const depart = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Departure").fill(depart);
    await page.getByRole("button", { name: "Get advice" }).click();

    const advice = page.getByTestId("price-advice");
    await advice.waitFor();
    // Two days before departure demo fares climb every day: the advice is to buy now.
    expect(await page.getByTestId("price-recommendation").textContent()).toBe("Buy now");
    expect(await advice.textContent()).toMatch(/Basis: (route|origin|destination|global)/);
    expect(new URL(page.url()).searchParams.get("departDate")).toBe(depart);
    expect(await page.getByTestId("price-forecast-table").locator("tbody tr").count()).toBe(2);
    expect(await page.locator("svg.chart path[data-testid=price-band]").count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "price-explorer.png"), fullPage: true });

    // A return before the departure is refused beside the field, with the server's words.
    await page.getByLabel("Return (optional)").fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
    await page.getByRole("button", { name: "Get advice" }).click();
    await page.getByText("is before departDate", { exact: false }).waitFor();
    expect(errors).toEqual([]);
  });
});
