import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReportsPass } from "../../server/reports/pass";
import { signIn } from "../support/users";
import { startTestWebServer } from "../support/web-server";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let analyst: Awaited<ReturnType<typeof signIn>>;
let viewer: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  server = await startTestWebServer();
  analyst = await signIn(server.env.deps, "analyst", "analyst@pages.test");
  viewer = await signIn(server.env.deps, "viewer", "viewer@pages.test");
});
afterAll(() => server?.close());

const page = (who: { cookie: string } | null, path: string, init: RequestInit = {}) =>
  fetch(server.web.url + path, { redirect: "manual", ...init, headers: who ? { cookie: who.cookie } : {} });
const submit = (who: { cookie: string }, path: string, data: [string, string][]) => page(who, path, { method: "POST", body: new URLSearchParams(data) });

describe("report pages", () => {
  it("the list page shows the form with a preview; a bad schedule is a 400 naming the field", async () => {
    const shown = await page(analyst, "/reports");
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain("Scheduled reports");
    expect(html).toContain('name="cron"');
    expect(html).toMatch(/Next runs \((?:<!-- -->)?UTC/);
    expect(html).toContain("Daily revenue summary");

    const bad = await submit(analyst, "/reports?index", [["name", "Bad"], ["kind", "daily_revenue"], ["cron", "0 25 * * *"], ["formats", "csv"]]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Invalid value for hour/);
    const noFormat = await submit(analyst, "/reports?index", [["name", "Bad"], ["kind", "daily_revenue"], ["cron", "0 8 * * *"]]);
    expect(noFormat.status).toBe(400);
    expect(await noFormat.text()).toContain("pick at least one format");
  });

  it("creates a report from the form, runs it now, and serves its files to viewers but not to the logged-out", async () => {
    const created = await submit(analyst, "/reports?index", [
      ["name", "Weekly digest"],
      ["kind", "weekly_performance"],
      ["cron", "0 9 * * 1"],
      ["timezone", "Europe/Berlin"],
      ["formats", "csv"],
      ["formats", "pdf"],
      ["recipients", "a@acme.test, b@acme.test"],
      ["delivery", "attachment"],
      ["enabled", "on"],
    ]);
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/reports\/[0-9a-f-]{36}$/);
    const id = location.split("/").pop()!;
    const report = await analyst.caller.reports.get({ id });
    expect(report).toMatchObject({ name: "Weekly digest", kind: "weekly_performance", cron: "0 9 * * 1", timezone: "Europe/Berlin", formats: ["csv", "pdf"], recipients: ["a@acme.test", "b@acme.test"], enabled: true });

    const run = await submit(analyst, location, [["intent", "run"]]);
    expect(run.status).toBe(200);
    expect(await run.text()).toContain("Queued");
    // No worker in this test: the pass the job would run.
    await runReportsPass({ ...server.env.deps, config: { ...server.env.deps.config, FORESIGHT_SMTP_URL: undefined } }, { reportId: id });
    const detail = await (await page(viewer, location)).text();
    expect(detail).toContain("Weekly digest");
    expect(detail).toMatch(/Mon.*09:00/);
    expect(detail).toContain("completed");
    const [done] = await analyst.caller.reports.runs({ id });
    const pdf = done!.files.find((f) => f.format === "pdf")!;
    expect(detail).toContain(`href="/reports/files/${pdf.id}"`);
    expect(detail).not.toContain("Run now"); // viewers read only

    const download = await page(viewer, `/reports/files/${pdf.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toContain(`filename="${pdf.filename}"`);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.length).toBe(pdf.size);

    const anonymous = await page(null, `/reports/files/${pdf.id}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    expect((await page(viewer, "/reports/files/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await page(viewer, "/reports/files/not-a-uuid")).status).toBe(400);
    expect((await submit(viewer, location, [["intent", "run"]])).status).toBe(403);

    // Edit through the same form: a new schedule takes effect at once (next run recomputed).
    const edited = await submit(analyst, location, [
      ["intent", "save"], ["name", "Weekly digest"], ["kind", "weekly_performance"], ["cron", "30 6 * * 5"], ["timezone", "America/New_York"],
      ["formats", "xlsx"], ["recipients", ""], ["delivery", "link"],
    ]);
    expect(edited.status).toBe(302);
    const after = await analyst.caller.reports.get({ id });
    expect(after).toMatchObject({ cron: "30 6 * * 5", timezone: "America/New_York", formats: ["xlsx"], recipients: [], delivery: "link", enabled: false, nextRunAt: null });
    const badEdit = await submit(analyst, location, [["intent", "save"], ["name", ""], ["kind", "weekly_performance"], ["cron", "30 6 * * 5"], ["formats", "xlsx"]]);
    expect(badEdit.status).toBe(400);
    expect(await badEdit.text()).toContain("give the report a name");
    const deleted = await submit(analyst, location, [["intent", "delete"]]);
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe("/reports");
    expect((await page(analyst, location)).status).toBe(404);
  });
});
