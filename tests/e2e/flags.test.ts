import fs from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  const { pool, prisma } = server.env.db;
  const project = (await prisma.project.findFirst({ orderBy: { createdAt: "asc" } }))!;
  const id = randomUUID();
  await pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, project.id, { plan: "pro", email: "ann@acme.test" }]);
  await pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, 'ann', $2)`, [project.id, id]);
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe("browser: feature flags", () => {
  it("creates a flag with a rule, turns it on and tests a person in the 'test a person' box", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN);

    await page.getByRole("navigation").first().getByRole("link", { name: /flags/i }).click();
    await page.waitForURL((u) => u.pathname === "/flags");
    await page.getByLabel("Key").fill("pro-dashboard");
    await page.getByLabel("Name").fill("Pro dashboard");
    await page.getByRole("button", { name: "Create flag" }).click();
    await page.waitForURL((u) => /^\/flags\/[0-9a-f-]{36}$/.test(u.pathname));

    // Rule 1: plan equals pro, rolled out to everyone matching.
    const rule = page.getByTestId("flag-rule").first();
    await rule.getByRole("button", { name: "Add condition" }).click();
    const condition = rule.getByTestId("flag-condition").first();
    await condition.getByLabel("Property", { exact: true }).fill("plan");
    await condition.getByLabel("Value", { exact: true }).fill("pro");
    await rule.getByLabel("Rule 1 rollout percent").fill("100");
    await page.getByRole("button", { name: "Save flag" }).click();
    await page.getByText("Saved.").waitFor();
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByText("The flag is on.").waitFor();

    const test = async (distinctId: string, properties = "") => {
      await page.getByLabel("Distinct id", { exact: true }).fill(distinctId);
      await page.getByLabel("Person properties (JSON, optional)").fill(properties);
      await page.getByRole("button", { name: "Evaluate" }).click();
      await page.getByTestId("flag-test-result").filter({ hasText: distinctId }).waitFor();
      return (await page.getByTestId("flag-test-value").textContent())?.trim();
    };
    expect(await test("ann")).toBe("true"); // the stored person's plan
    expect(await page.getByTestId("flag-test-result").textContent()).toContain("matched (rule 1)");
    expect(await test("bob")).toBe("false");
    expect(await test("cat", '{"plan": "pro"}')).toBe("true");
    await page.screenshot({ path: path.join(artifacts, "flag-editor.png"), fullPage: true });

    await page.getByRole("link", { name: "← All flags" }).click();
    const row = page.getByTestId("flags-table").getByRole("row", { name: /pro-dashboard/ });
    expect(await row.textContent()).toContain("on");
    expect(await row.textContent()).toContain("1 rule: 100%");
    expect(errors).toEqual([]);
  });
});
