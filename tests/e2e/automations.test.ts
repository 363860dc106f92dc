import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { bulkIngest } from "../../server/ingest/bulk";
import { launchChromium, logIn } from "../support/browser";
import { startHttpListener } from "../support/http-listener";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let hook: Awaited<ReturnType<typeof startHttpListener>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome, hook] = await Promise.all([startTestWebServer(), launchChromium(), startHttpListener()]);
});
afterAll(async () => {
  await chrome?.close();
  await hook?.close();
  await server?.close();
});

describe("browser: automations", () => {
  it("creates an abandoned-checkout automation in the UI, sends a test, sees it in the log and edits it", async () => {
    const project = await server.env.db.prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    await bulkIngest(server.capture.pipeline, project.id, [
      { event: "$identify", distinct_id: "ui-buyer", timestamp: new Date().toISOString(), properties: {}, $set: { email: "buyer@ui.test", name: "UI Buyer" } },
      { event: "checkout_started", distinct_id: "ui-buyer", timestamp: new Date().toISOString(), properties: { price: 120 } },
    ]);
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN, "/automations");
    await page.getByRole("link", { name: "Automations" }).first().waitFor();

    await page.getByLabel("Name").fill("Abandoned checkout (UI)");
    await page.getByLabel("A person does").fill("checkout_started");
    await page.getByLabel("and does not do (optional)").fill("booking_completed");
    await page.getByLabel("within (minutes)").fill("60");
    await page.getByLabel("Wait before acting (minutes)").fill("60");
    await page.getByLabel("Webhook URL").first().fill(hook.url("/ui"));
    await page.getByLabel("Signing secret (16+ characters)").fill("ui-secret-0123456789");
    await page.getByRole("button", { name: "Create automation" }).click();
    await page.waitForURL((u) => /^\/automations\/[0-9a-f-]{36}$/.test(u.pathname));
    const definition = page.getByTestId("automation-definition");
    expect(await definition.textContent()).toContain("checkout_started and no booking_completed within 1 h");
    expect(await definition.textContent()).toContain("once per person");

    await page.getByLabel("Distinct id (optional)").fill("ui-buyer");
    await page.getByRole("button", { name: "Send a test" }).click();
    await page.getByText("Test sent.").waitFor();
    const req = await waitFor(async () => hook.received.find((r) => r.path === "/ui"), "the test webhook");
    expect(req.json).toMatchObject({ type: "automation.test", person: { distinctIds: ["ui-buyer"], properties: { email: "buyer@ui.test" } } });
    const log = page.getByTestId("firing-log");
    expect(await log.textContent()).toContain("ui-buyer");
    expect(await log.textContent()).toContain("sent");
    await page.screenshot({ path: path.join(artifacts, "automation-page.png"), fullPage: true });

    // Edit: a new name and a longer window; the secret left blank stays what it was, so does on/off.
    const automationId = new URL(page.url()).pathname.split("/").pop()!;
    const before = await server.env.db.prisma.automation.findUniqueOrThrow({ where: { id: automationId } });
    expect(await page.getByLabel("within (minutes)").inputValue()).toBe("60");
    await page.getByLabel("Name").fill("Abandoned checkout (2 h)");
    await page.getByLabel("within (minutes)").fill("120");
    // Only checkouts above 100: an event-property filter added in the form.
    await page.getByRole("button", { name: "+ Filter" }).click();
    const filter = page.getByRole("group", { name: "Filters 1" });
    await filter.getByLabel("Property").fill("price");
    await filter.getByLabel("Operator").selectOption("gt");
    await filter.getByLabel("Value").fill("100");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Saved: the rule applies to events from now on.").waitFor();
    await page.getByRole("heading", { name: "Abandoned checkout (2 h)" }).waitFor();
    expect(await definition.textContent()).toContain("checkout_started (1 filter) and no booking_completed within 2 h");
    const after = await server.env.db.prisma.automation.findUniqueOrThrow({ where: { id: automationId } });
    expect(after.name).toBe("Abandoned checkout (2 h)");
    expect((after.trigger as { filters: unknown[] }).filters).toEqual([{ type: "event", key: "price", operator: "gt", value: 100 }]);
    expect((after.action as { secret?: string }).secret).toBe("ui-secret-0123456789");
    expect(after.enabled).toBe(before.enabled);
    // A bad edit is refused beside its field and changes nothing.
    await page.getByLabel("within (minutes)").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Check the highlighted fields.").waitFor();
    expect(await page.getByLabel("within (minutes)").getAttribute("aria-invalid")).toBe("true");
    expect((await server.env.db.prisma.automation.findUniqueOrThrow({ where: { id: automationId } })).trigger).toEqual(after.trigger);

    // A bad rule is refused beside its field.
    await page.goto(`${server.web.url}/automations`);
    await page.getByLabel("Name").fill("Bad");
    await page.getByLabel("A person does").fill("checkout_started");
    await page.getByLabel("and does not do (optional)").fill("booking_completed");
    await page.getByLabel("Webhook URL").first().fill(hook.url("/ui"));
    await page.getByLabel("Signing secret (16+ characters)").fill("ui-secret-0123456789");
    await page.getByRole("button", { name: "Create automation" }).click();
    await page.getByText("Check the highlighted fields.").waitFor();
    expect(await page.getByTestId("automations-table").textContent()).toContain("Abandoned checkout (2 h)");
    await page.screenshot({ path: path.join(artifacts, "automations-list.png"), fullPage: true });

    // The cohort page links to the members CSV, which downloads with the chosen columns.
    const { caller } = await signIn(server.env.deps, "analyst");
    const { cohort } = await caller.cohorts.create({ kind: "static", name: "Buyers", description: "" });
    await caller.cohorts.uploadCsv({ id: cohort.id, csv: "ui-buyer\n", idType: "distinct_id", mode: "replace" });
    await page.goto(`${server.web.url}/cohorts/${cohort.id}`);
    expect(await page.getByRole("link", { name: "Download members (CSV)" }).getAttribute("href")).toBe(`/automations/export/${cohort.id}`);
    const res = await page.request.get(`${server.web.url}/automations/export/${cohort.id}?properties=email`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-disposition"]).toBe('attachment; filename="Buyers-members.csv"');
    const personId = (await server.env.db.pool.query(`select person_id from person_distinct_ids where distinct_id = 'ui-buyer'`)).rows[0].person_id;
    expect(await res.text()).toBe(`person_id,distinct_ids,email\n${personId},ui-buyer,buyer@ui.test\n`);
    expect(errors).toEqual([]);
  }, 120_000);
});
