import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

/**
 * Yesterday, in the first project: four persons search, three of them start a booking (within
 * 20 minutes), one completes it. The funnel search -> booking_started -> booking_completed is
 * therefore 4 -> 3 -> 1. A fifth person only views a page. Everyone searches from LHR but dee (JFK).
 */
const journeys: [string, string[]][] = [
  ["ann", ["search", "booking_started", "booking_completed"]],
  ["bob", ["search", "booking_started"]],
  ["cy", ["search", "booking_started"]],
  ["dee", ["search"]],
  ["eve", ["$pageview"]],
];

const personIds = new Map<string, string>();
let cohortId: string;

async function insertEvents() {
  const { pool, prisma } = server.env.db;
  const project = await prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  const base = Date.now() - 24 * 3600_000;
  for (const [p, [name, steps]] of journeys.entries()) {
    const personId = randomUUID();
    personIds.set(name, personId);
    await pool.query(`insert into persons (id, project_id) values ($1, $2)`, [personId, project.id]);
    await pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [project.id, name, personId]);
    for (const [i, event] of steps.entries()) {
      const at = new Date(base + p * 60_000 + i * 10 * 60_000);
      await pool.query(
        `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties) values ($1, $2, $3, $4, $5, $6, $7)`,
        [project.id, randomUUID(), event, at, name, personId, JSON.stringify({ origin: name === "dee" ? "JFK" : "LHR" })],
      );
      await pool.query(`insert into event_definitions (project_id, name) values ($1, $2) on conflict do nothing`, [project.id, event]);
      await pool.query(
        `insert into property_definitions (project_id, event_name, key, types) values ($1, $2, 'origin', '{string}') on conflict do nothing`,
        [project.id, event],
      );
    }
  }
}

/** A static cohort "Bookers" holding ann and bob. */
async function insertCohort() {
  const { pool, prisma } = server.env.db;
  const project = await prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  cohortId = randomUUID();
  await pool.query(
    `insert into cohorts (id, project_id, name, kind, member_count, updated_at) values ($1, $2, 'Bookers', 'static', 2, now())`,
    [cohortId, project.id],
  );
  for (const who of ["ann", "bob"]) {
    await pool.query(`insert into cohort_members (cohort_id, project_id, person_id) values ($1, $2, $3)`, [cohortId, project.id, personIds.get(who)]);
  }
}

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  await insertEvents();
  await insertCohort();
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

const logInToInsights = (page: Page) => logIn(page, server.web.url, ADMIN, "/insights");

async function funnelCounts(page: Page): Promise<string[]> {
  const counts: string[] = [];
  for (const step of [1, 2, 3]) counts.push((await page.getByTestId(`funnel-step-${step}-count`).textContent())?.trim() ?? "");
  return counts;
}

describe("browser: insights explorer", () => {
  it("builds a funnel from the pickers, runs it, saves it, finds it in the list and reopens it", async () => {
    const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logInToInsights(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Insights/ }).waitFor();

    // Build: kind, then the steps from the event registry's pickers, a per-step window, a third step.
    await page.getByRole("button", { name: "Funnel", exact: true }).click();
    const step1 = page.getByLabel("Step 1 event");
    expect(await step1.locator("option").allTextContents()).toEqual(expect.arrayContaining(["search", "booking_started", "booking_completed", "$pageview"]));
    await step1.selectOption("search");
    await page.getByLabel("Step 2 event").selectOption("booking_started");
    await page.getByLabel("Within a time of step 1").check();
    await page.getByRole("group", { name: "Step 2 window" }).getByLabel("Step 2 window", { exact: true }).fill("1");
    await page.getByRole("button", { name: "+ Step", exact: true }).click();
    await page.getByLabel("Step 3 event").selectOption("booking_completed");

    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForURL((u) => u.pathname === "/insights" && u.searchParams.has("q"));
    await page.getByTestId("funnel-step-1-count").waitFor();
    const q = JSON.parse(new URL(page.url()).searchParams.get("q")!);
    expect(q).toMatchObject({
      kind: "funnels",
      steps: [{ event: "search" }, { event: "booking_started", window: { value: 1, unit: "hour" } }, { event: "booking_completed" }],
    });

    // The chart: three step bars labelled with the persons counted by hand above, and the table.
    expect(await funnelCounts(page)).toEqual(["4", "3", "1"]);
    const bars = page.locator("svg.chart g.funnel-step");
    expect(await bars.count()).toBe(3);
    expect(await bars.locator("text.chart-value").allTextContents()).toEqual(["4", "3", "1"]);
    const table = page.locator("table.result-table tbody tr");
    expect(await table.count()).toBe(3);
    expect(await table.nth(1).locator("td").nth(3).textContent()).toBe("3");
    expect(await table.nth(1).locator("td").nth(10).textContent()).toBe("1"); // dropped off at step 2
    await expect(page.getByTestId("result-meta").textContent()).resolves.toMatch(/from (raw events|rollups|the columnar engine)/);
    await page.screenshot({ path: path.join(artifacts, "insights-funnel.png"), fullPage: true });

    // Who dropped off before booking_started (dee), and who completed (ann).
    await page.getByText("Persons at a step").click();
    const persons = page.locator(".funnel-persons");
    await persons.locator("select").nth(0).selectOption({ label: "2. booking_started" });
    await persons.locator("select").nth(1).selectOption("dropped");
    await persons.getByRole("button", { name: "Show persons" }).click();
    await persons.getByText("1–1 of 1").waitFor();
    expect(await persons.locator("tbody tr td").first().textContent()).toBe("dee");
    await persons.locator("select").nth(0).selectOption({ label: "3. booking_completed" });
    await persons.locator("select").nth(1).selectOption("converted");
    await persons.getByRole("button", { name: "Show persons" }).click();
    await persons.locator("tbody tr td", { hasText: "ann" }).waitFor();
    expect(await persons.locator("tbody tr").count()).toBe(1);

    // Save it under a name: the saved insight's page shows it.
    await page.getByLabel("Name", { exact: true }).fill("Booking funnel");
    await page.getByRole("button", { name: "Save insight" }).click();
    await page.waitForURL((u) => /^\/insights\/[0-9a-f-]{36}$/.test(u.pathname));
    const savedPath = new URL(page.url()).pathname;

    // The list, then reopen it from there.
    await page.getByRole("link", { name: "Saved insights" }).click();
    await page.waitForURL((u) => u.pathname === "/insights/saved");
    await page.getByRole("link", { name: "Booking funnel" }).click();
    await page.waitForURL((u) => u.pathname === savedPath);
    expect(await page.getByTestId("insight-name").textContent()).toBe("Booking funnel");
    expect(await funnelCounts(page)).toEqual(["4", "3", "1"]);
    expect(await page.getByLabel("Step 1 event").inputValue()).toBe("search");
    expect(await page.getByLabel("Step 2 event").inputValue()).toBe("booking_started");
    expect(await page.getByLabel("Step 3 event").inputValue()).toBe("booking_completed");
    expect(await page.getByLabel("Within a time of step 1").isChecked()).toBe(true);
    await page.screenshot({ path: path.join(artifacts, "insights-saved.png"), fullPage: true });

    // Rename, then delete: back on an empty list.
    await page.getByText("Rename", { exact: true }).click();
    await page.getByLabel("New name").fill("Search to booking");
    await page.getByRole("button", { name: "Save name" }).click();
    await page.getByRole("status").filter({ hasText: "Renamed." }).waitFor();
    await expect.poll(() => page.getByTestId("insight-name").textContent()).toBe("Search to booking");
    await page.getByText("Delete", { exact: true }).click();
    await page.getByRole("button", { name: "Delete insight" }).click();
    await page.waitForURL((u) => u.pathname === "/insights/saved");
    await page.getByText("No saved insights yet").waitFor();
    expect((await page.goto(`${server.web.url}${savedPath}`))?.status()).toBe(404);
    expect(errors).toEqual([]);
  });

  it("filters with the property pickers and exports the result as CSV and JSON", async () => {
    const page = await chrome.browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logInToInsights(page);
    await page.getByLabel("Series A event").selectOption("search");
    await page.getByRole("button", { name: "+ Filter", exact: true }).click();
    const filter = page.getByRole("group", { name: "Filters 1" });
    const key = filter.getByRole("combobox", { name: "Property" });
    await expect.poll(() => key.evaluate((el) => [...((el as HTMLInputElement).list?.options ?? [])].map((o) => o.value))).toContain("origin");
    await key.fill("origin");
    const value = filter.getByRole("combobox", { name: "Value" });
    await expect.poll(() => value.evaluate((el) => [...((el as HTMLInputElement).list?.options ?? [])].map((o) => o.value).sort())).toEqual(["JFK", "LHR"]);
    await value.fill("LHR");
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForURL((u) => u.searchParams.has("q"));
    const q = JSON.parse(new URL(page.url()).searchParams.get("q")!);
    expect(q.filters).toEqual([{ type: "event", key: "origin", operator: "equals", value: "LHR" }]);
    await page.locator("table.result-table").waitFor();
    // ann, bob and cy searched from LHR; dee's search from JFK is filtered out.
    expect(await page.locator("table.result-table tbody tr td").nth(4).textContent()).toBe("3");

    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(csvDownload.suggestedFilename()).toBe("trends.csv");
    const csv = (await fs.readFile(await csvDownload.path())).toString().split("\n");
    expect(csv[0]!.split(",").slice(0, 5)).toEqual(["series", "label", "breakdown", "period", "total"]);
    expect(csv[1]!.split(",").slice(0, 5)).toEqual(["A", "search", "", "current", "3"]);
    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
    const answer = JSON.parse((await fs.readFile(await jsonDownload.path())).toString());
    expect([answer.kind, answer.result.series[0].total]).toEqual(["trends", 3]);

    // What the browser's tRPC client gets for a bad query: HTTP 400 naming the field.
    const bad = { kind: "funnels", steps: [{ event: "search" }] };
    const res = await page.request.get(`${server.web.url}/api/trpc/insights.run?input=${encodeURIComponent(JSON.stringify({ json: bad }))}`);
    expect(res.status()).toBe(400);
    const body = await res.json();
    expect(body.error.json.message).toMatch(/^steps: /);
    expect(body.error.json.data.fieldErrors).toHaveProperty("steps");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters by cohort membership chosen from the project's cohorts", async () => {
    const page = await chrome.browser.newPage();
    await logInToInsights(page);
    await page.getByLabel("Series A event").selectOption("search");
    await page.getByRole("button", { name: "+ Filter", exact: true }).click();
    const filter = page.getByRole("group", { name: "Filters 1" });
    await filter.getByRole("combobox", { name: "Of" }).selectOption("cohort");
    await filter.locator("select").nth(2).selectOption({ label: "Bookers" });
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForURL((u) => u.searchParams.has("q"));
    expect(JSON.parse(new URL(page.url()).searchParams.get("q")!).filters).toEqual([{ type: "cohort", cohortId, negate: false }]);
    await page.locator("table.result-table").waitFor();
    // ann and bob searched once each.
    expect(await page.locator("table.result-table tbody tr td").nth(4).textContent()).toBe("2");
    await page.close();
  });

  it("renders a result from the address without JavaScript and names the field of a bad query", async () => {
    const context = await chrome.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await logInToInsights(page);

    const funnel = { kind: "funnels", steps: [{ event: "search" }, { event: "booking_started" }] };
    const res = await page.goto(`${server.web.url}/insights?q=${encodeURIComponent(JSON.stringify(funnel))}`);
    expect(res?.status()).toBe(200);
    expect(await page.getByTestId("funnel-step-2-count").textContent()).toBe("3");

    const bad = await page.goto(`${server.web.url}/insights?q=${encodeURIComponent(JSON.stringify({ ...funnel, steps: [{ event: "search" }] }))}`);
    expect(bad?.status()).toBe(400);
    expect(await page.getByRole("alert").textContent()).toMatch(/^steps: /);

    // The query JSON field runs a query without the builder.
    await page.getByLabel("Query JSON").fill(JSON.stringify({ kind: "trends", series: [{ event: "search" }] }));
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForURL((u) => u.searchParams.has("q"));
    expect(await page.locator("table.result-table tbody tr td").nth(4).textContent()).toBe("4"); // total searches
    await context.close();
  });
});
