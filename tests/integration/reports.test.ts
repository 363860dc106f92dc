import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs } from "../../server/channels/deliveries";
import type { Deps } from "../../server/deps";
import { ensureEventPartitions } from "../../server/ingest/partitions";
import { enqueue } from "../../server/jobs/queue";
import { createProject } from "../../server/projects/create-project";
import { claimDueSlots } from "../../server/reports/claim";
import { latestRunAtOrBefore } from "../../server/reports/cron";
import { EMAIL_MAX_ATTEMPTS } from "../../server/reports/email";
import { buildDocument } from "../../server/reports/execute";
import { runReportsPass } from "../../server/reports/pass";
import { crontab } from "../../workers/crontab";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { startSmtpListener, type ReceivedMail } from "../support/smtp-listener";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";

const TZ = "Europe/Berlin";
const CRON = "0 8 * * *";
let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let analyst: Awaited<ReturnType<typeof signIn>>;
let projectId: string;
const persons = new Map<string, string>();

async function event(who: string, name: string, at: Date, props: Record<string, unknown> = {}) {
  if (!persons.has(who)) {
    persons.set(who, randomUUID());
    await env.db.pool.query(`insert into persons (id, project_id) values ($1, $2)`, [persons.get(who), projectId]);
  }
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, revenue, properties) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [projectId, randomUUID(), name, at, who, persons.get(who), typeof props.revenue === "number" ? props.revenue : null, JSON.stringify(props)],
  );
}
const booking = (revenue: number, commission: number, provider: string, origin = "LHR", destination = "JFK") => ({
  booking_id: randomUUID(),
  revenue,
  commission,
  provider,
  currency: "EUR",
  origin,
  destination,
});

/** The parts of a MIME message (nodemailer's multipart/mixed), headers unfolded, bodies decoded. */
function mimeParts(raw: string): { headers: Record<string, string>; body: Buffer }[] {
  const split = (text: string) => {
    const at = text.indexOf("\r\n\r\n");
    const headers: Record<string, string> = {};
    for (const line of text.slice(0, at).replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, body: text.slice(at + 4) };
  };
  const top = split(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers["content-type"] ?? "")![1]!;
  return top.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const part = split(chunk.replace(/^\r\n/, ""));
      const enc = (part.headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
      const body =
        enc === "base64"
          ? Buffer.from(part.body.replace(/\s+/g, ""), "base64")
          : enc === "quoted-printable"
            ? Buffer.from(part.body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1")
            : Buffer.from(part.body, "utf8");
      return { headers: part.headers, body };
    });
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const standardFontDataUrl = new URL("../../node_modules/pdfjs-dist/standard_fonts/", import.meta.url).pathname;
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, isEvalSupported: false }).promise;
  const page = await pdf.getPage(1);
  const text = (await page.getTextContent()).items.map((it) => ("str" in it ? it.str : "")).join(" ");
  await pdf.destroy();
  return text;
}

/** A local SMTP server that answers 451 (try later) to the first `failures` messages, then accepts. */
async function startFlakySmtp(failures: number) {
  let left = failures;
  const mails: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (left-- > 0) return callback(Object.assign(new Error("mailbox busy, try again later"), { responseCode: 451 }));
        mails.push(Buffer.concat(chunks).toString("utf8"));
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const withSmtp = (url: string): Deps => ({ ...env.deps, config: { ...env.deps.config, FORESIGHT_SMTP_URL: url } });

// The daily report's slot: today's 08:00 Berlin (or yesterday's, before 08:00). The events sit at
// fixed offsets before it: 20 h before is midday of the day the report covers, 44 h before is
// midday of the day it compares with, 1 h before is the morning of the run day (not covered).
const now = new Date();
const slot = latestRunAtOrBefore(CRON, TZ, now)!;
const hoursBefore = (h: number, m = 0) => new Date(slot.getTime() - h * 3600_000 + m * 60_000);

beforeAll(async () => {
  smtp = await startSmtpListener();
  env = await createTestEnv({ FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_SMTP_FROM: "Foresight Reports <reports@foresight.test>", PUBLIC_URL: "https://foresight.example.test" });
  await ensureEventPartitions(env.db.pool, { now, monthsBack: 3, monthsAhead: 1 });
  projectId = (await createProject(env.db.prisma, { name: "Reports", timezone: TZ })).project.id;
  analyst = await signIn(env.deps, "analyst", "analyst@reports.test");

  // The day covered: 3 bookings (350.50 revenue, 35 commission), 4 active persons.
  await event("p1", "booking_completed", hoursBefore(20), booking(200, 20, "acme"));
  await event("p2", "booking_completed", hoursBefore(19), booking(100.5, 10, "budget", "CDG", "NCE"));
  await event("p3", "search", hoursBefore(18, 30), { origin: "LHR", destination: "JFK" });
  await event("p3", "booking_completed", hoursBefore(18), booking(50, 5, "acme"));
  await event("p4", "$pageview", hoursBefore(17));
  // The day before: one booking of 150.
  await event("p1", "booking_completed", hoursBefore(44), booking(150, 15, "acme"));
  // The run's own morning: outside the period.
  await event("p2", "booking_completed", hoursBefore(1), booking(999, 99, "acme"));

  // Fixed dates for the weekly, monthly and quarterly kinds (October 2026 is CEST, UTC+2).
  await event("w1", "$pageview", new Date("2026-10-14T10:00:00Z"));
  await event("w1", "search", new Date("2026-10-14T10:05:00Z"), { origin: "LHR", destination: "JFK" });
  await event("w1", "checkout_started", new Date("2026-10-14T10:10:00Z"));
  await event("w1", "booking_completed", new Date("2026-10-14T10:15:00Z"), booking(80, 8, "acme"));
  await event("w2", "$pageview", new Date("2026-10-15T10:00:00Z"));
  await event("w2", "booking_completed", new Date("2026-10-06T10:00:00Z"), booking(40, 4, "budget", "MAN", "DUB"));
  await event("w3", "booking_completed", new Date("2026-09-10T10:00:00Z"), booking(70, 7, "acme", "LHR", "SFO"));
});
afterAll(async () => {
  await smtp?.close();
  await env?.close();
});

const summaryRow = (rows: string[][], label: string) => {
  const start = rows.findIndex((r) => r[0] === "Metric");
  return rows.slice(start).find((r) => r[0] === label);
};

describe("scheduled reports", () => {
  // Paused reports (enabled: false) below still run on demand; pausing keeps their own cron out of these tests.
  it("a due daily report runs through the real worker: valid CSV, XLSX and PDF, emailed with the three attachments", { timeout: 90_000 }, async () => {
    expect(crontab).toMatch(/^\* \* \* \* \* run_reports /m);
    const report = await analyst.caller.reports.create({
      name: "Daily revenue",
      kind: "daily_revenue",
      cron: CRON,
      formats: ["csv", "xlsx", "pdf"],
      recipients: ["ceo@acme.test", "Finance@Acme.test"],
    });
    expect(report.timezone).toBe(TZ);
    expect(report.nextRunAt!.getTime()).toBeGreaterThan(now.getTime());
    // As if the report had been created before its last slot: that slot is now due.
    await env.db.prisma.scheduledReport.update({ where: { id: report.id }, data: { nextRunAt: slot } });

    const runner = await startWorker(env.deps);
    try {
      await enqueue(env.db.pool, "run_reports", {}); // what the per-minute crontab line enqueues
      const run = await waitFor(async () => {
        const [r] = await analyst.caller.reports.runs({ id: report.id });
        return r && (r.emailStatus as { status?: string }).status === "sent" ? r : null;
      }, "the report to run and its email to be sent", 60_000);
      expect(run).toMatchObject({ trigger: "cron", status: "completed", error: null });
      expect(run.scheduledFor).toEqual(slot);
      expect(run.emailStatus).toMatchObject({ status: "sent", attempts: 1, mode: "attachment" });
      expect(run.files.map((f) => f.format)).toEqual(["csv", "pdf", "xlsx"]);
      const after = await analyst.caller.reports.get({ id: report.id });
      expect(after.lastRunAt).toEqual(slot);
      // The next slot: the following 08:00 on Berlin's clock, within a day (23-25 h) of this one.
      const next = after.nextRunAt!;
      expect(new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(next)).toBe("08:00");
      expect(next.getTime() - slot.getTime()).toBeGreaterThanOrEqual(23 * 3600_000);
      expect(next.getTime() - slot.getTime()).toBeLessThanOrEqual(25 * 3600_000);

      const file = async (format: string) => analyst.caller.reports.file({ id: run.files.find((f) => f.format === format)!.id });

      // CSV: parsed back, the figures worked out by hand above.
      const csv = await file("csv");
      expect(csv.contentType).toBe("text/csv; charset=utf-8");
      const rows = Papa.parse<string[]>(csv.bytes.toString("utf8").trim()).data;
      expect(rows[0]).toEqual(["Report", "Daily revenue"]);
      expect(rows[4]).toEqual(["Time zone", TZ]);
      expect(summaryRow(rows, "Revenue")).toEqual(["Revenue", "350.5", "150", String((350.5 - 150) / 150)]);
      expect(summaryRow(rows, "Bookings")).toEqual(["Bookings", "3", "1", "2"]);
      expect(Number(summaryRow(rows, "Average booking value")![1])).toBeCloseTo(350.5 / 3, 9);
      expect(summaryRow(rows, "Commission")!.slice(1, 3)).toEqual(["35", "15"]);
      expect(summaryRow(rows, "Active persons")![1]).toBe("4");
      const providers = rows.slice(rows.findIndex((r) => r[0] === "Revenue by provider"));
      expect(providers.find((r) => r[0] === "acme")!.slice(0, 3)).toEqual(["acme", "250", "2"]);
      expect(providers.find((r) => r[0] === "budget")!.slice(0, 3)).toEqual(["budget", "100.5", "1"]);

      // XLSX: read back with exceljs, numbers are numbers.
      const xlsx = await file("xlsx");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.bytes as never);
      expect(wb.worksheets.map((w) => w.name)).toEqual(["Daily revenue summary", "Revenue by provider"]);
      const sheet = wb.worksheets[0]!;
      expect(sheet.getCell("A2").value).toBe("Revenue");
      expect(sheet.getCell("B2").value).toBe(350.5);
      expect(sheet.getCell("C2").value).toBe(150);
      expect(sheet.getCell("B2").numFmt).toBe("#,##0.00");

      // PDF: parsed with pdf.js, title and a known figure on page 1.
      const pdf = await file("pdf");
      const text = await pdfText(pdf.bytes);
      expect(text).toContain("Daily revenue");
      expect(text).toContain("350.50");
      expect(text).toContain("133.3%");

      // The email reached the local SMTP server with the three files attached.
      const mails = smtp.mails.filter((m: ReceivedMail) => m.subject.includes("Daily revenue"));
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.to.sort()).toEqual(["ceo@acme.test", "finance@acme.test"]);
      expect(mail.from).toBe("reports@foresight.test");
      const parts = mimeParts(mail.raw);
      const attachments = parts.filter((p) => /attachment/.test(p.headers["content-disposition"] ?? ""));
      const stem = run.files[0]!.filename.replace(/\.csv$/, "");
      expect(stem).toMatch(/^daily-revenue-\d{4}-\d{2}-\d{2}$/);
      expect(attachments.map((a) => [/filename="?([^";]+)/.exec(a.headers["content-disposition"]!)![1], a.headers["content-type"]!.split(";")[0]])).toEqual([
        [`${stem}.csv`, "text/csv"],
        [`${stem}.pdf`, "application/pdf"],
        [`${stem}.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ]);
      expect(attachments[1]!.body.equals(pdf.bytes)).toBe(true);
      expect(attachments[0]!.body.toString("utf8")).toBe(csv.bytes.toString("utf8"));
      const body = parts.find((p) => (p.headers["content-type"] ?? "").startsWith("text/plain"))!.body.toString("utf8");
      expect(body).toContain("Revenue: ");
      expect(body).toContain("350.50");
      expect(body).toContain(`https://foresight.example.test/reports/${report.id}`);
    } finally {
      await runner.stop();
    }

    // The same slot never runs twice: the job running again (twice at once) claims nothing new.
    const again = await Promise.all([runReportsPass(env.deps), runReportsPass(env.deps)]);
    expect(again.map((p) => p.claimed)).toEqual([0, 0]);
    // Even if next_run_at is put back on that slot, the unique (report, slot) index refuses a second run.
    await env.db.prisma.scheduledReport.update({ where: { id: report.id }, data: { nextRunAt: slot } });
    expect(await claimDueSlots(env.db.pool, new Date())).toEqual([]);
    expect(await env.db.prisma.reportRun.count({ where: { reportId: report.id } })).toBe(1);
    expect(smtp.mails.filter((m) => m.subject.includes("Daily revenue"))).toHaveLength(1);
    await analyst.caller.reports.delete({ id: report.id });
  });

  it("two workers claiming the same due slot at once make one run", async () => {
    const report = await analyst.caller.reports.create({ name: "Race", kind: "daily_revenue", cron: "*/5 * * * *", formats: ["json"], recipients: [] });
    const due = latestRunAtOrBefore("*/5 * * * *", TZ, new Date())!;
    await env.db.prisma.scheduledReport.update({ where: { id: report.id }, data: { nextRunAt: due } });
    const claims = await Promise.all([claimDueSlots(env.db.pool, new Date()), claimDueSlots(env.db.pool, new Date()), claimDueSlots(env.db.pool, new Date())]);
    expect(claims.flat().filter((c) => c.reportId === report.id)).toHaveLength(1);
    const passes = await Promise.all([runReportsPass(env.deps), runReportsPass(env.deps)]);
    expect(passes.flatMap((p) => p.runs).filter((r) => r.status === "completed")).toHaveLength(1);
    const runs = await analyst.caller.reports.runs({ id: report.id });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", scheduledFor: due, emailStatus: { status: "skipped" } });
    await analyst.caller.reports.delete({ id: report.id });
  });

  it("a failing SMTP server: the email is retried with backoff, the failure shows on the run, then it goes out", async () => {
    const flaky = await startFlakySmtp(1);
    try {
      const deps = withSmtp(flaky.url);
      const report = await analyst.caller.reports.create({ name: "Flaky mail", kind: "daily_revenue", cron: CRON, formats: ["csv"], recipients: ["ops@acme.test"], enabled: false });
      const { runId } = await analyst.caller.reports.runNow({ id: report.id });
      const t0 = new Date();
      const first = await runReportsPass(deps, { now: t0, reportId: report.id });
      expect(first.runs).toEqual([{ runId, status: "completed" }]);
      expect(first.email).toMatchObject({ sent: 0, retrying: 1 });
      let [run] = await analyst.caller.reports.runs({ id: report.id });
      expect(run).toMatchObject({ id: runId, trigger: "manual", status: "completed", emailStatus: { status: "retrying", attempts: 1 } });
      expect((run!.emailStatus as { lastError: string }).lastError).toMatch(/451/);
      expect((run!.emailStatus as { nextAttemptAt: string }).nextAttemptAt).toBe(new Date(t0.getTime() + backoffMs(1)).toISOString());

      // Not before the backoff.
      expect((await runReportsPass(deps, { now: new Date(t0.getTime() + backoffMs(1) - 1) })).email.sent).toBe(0);
      expect(flaky.mails).toHaveLength(0);
      const retry = await runReportsPass(deps, { now: new Date(t0.getTime() + backoffMs(1)) });
      expect(retry.email).toMatchObject({ sent: 1, retrying: 0 });
      [run] = await analyst.caller.reports.runs({ id: report.id });
      expect(run!.emailStatus).toMatchObject({ status: "sent", attempts: 2, lastError: null });
      expect(flaky.mails).toHaveLength(1);
      expect(flaky.mails[0]).toMatch(/filename="?flaky-mail-\d{4}-\d{2}-\d{2}\.csv/);
      await analyst.caller.reports.delete({ id: report.id });
    } finally {
      await flaky.close();
    }
  });

  it("gives up after the last attempt and the failure stays visible; delivery=link sends links instead of files", async () => {
    const dead = await startFlakySmtp(1000);
    try {
      const deps = withSmtp(dead.url);
      const report = await analyst.caller.reports.create({ name: "Dead mail", kind: "daily_revenue", cron: CRON, formats: ["pdf"], recipients: ["ops@acme.test"], delivery: "link", enabled: false });
      await analyst.caller.reports.runNow({ id: report.id });
      let at = new Date();
      for (let attempt = 1; attempt <= EMAIL_MAX_ATTEMPTS; attempt++) {
        const pass = await runReportsPass(deps, { now: at, reportId: report.id });
        expect(pass.email).toMatchObject(attempt < EMAIL_MAX_ATTEMPTS ? { retrying: 1 } : { failed: 1 });
        at = new Date(at.getTime() + backoffMs(attempt));
      }
      const [run] = await analyst.caller.reports.runs({ id: report.id });
      expect(run).toMatchObject({ status: "completed", emailStatus: { status: "failed", attempts: EMAIL_MAX_ATTEMPTS, nextAttemptAt: null } });
      expect((run!.emailStatus as { lastError: string }).lastError).toMatch(/451/);
      expect(run!.files).toHaveLength(1); // the files are still there to download

      // The same report through the working server: a link to the file, no attachment.
      await analyst.caller.reports.runNow({ id: report.id });
      const pass = await runReportsPass(env.deps, { reportId: report.id });
      expect(pass.email.sent).toBe(1);
      const [linked] = await analyst.caller.reports.runs({ id: report.id });
      expect(linked!.emailStatus).toMatchObject({ status: "sent", mode: "link" });
      const mail = smtp.mails.at(-1)!;
      expect(mail.subject).toContain("Dead mail");
      // No attachment: a single text/plain message, not multipart.
      expect(/^Content-Type: (.*)$/im.exec(mail.raw.slice(0, mail.raw.indexOf("\r\n\r\n")))![1]).toMatch(/^text\/plain/);
      expect(mail.text).toContain(`https://foresight.example.test/reports/files/${linked!.files[0]!.id}`);
      await analyst.caller.reports.delete({ id: report.id });
    } finally {
      await dead.close();
    }
  });

  it("the weekly, monthly and quarterly kinds carry the hand-worked figures of their periods", async () => {
    const base = { projectId, params: {}, timezone: TZ };
    // Mon 19 Oct 2026 09:00 CEST: the week of Mon 12 Oct (80 revenue) against the week of 5 Oct (40).
    const weekly = await buildDocument(env.deps, { ...base, name: "Weekly", kind: "weekly_performance" }, new Date("2026-10-19T07:00:00Z"));
    expect(weekly.period).toEqual({ from: "2026-10-11T22:00:00.000Z", to: "2026-10-18T22:00:00.000Z" });
    const w = weekly.tables[0]!;
    expect(w.rows.find((r) => r[0] === "Revenue")).toEqual(["Revenue", 80, 40, 1]);
    expect(w.rows.find((r) => r[0] === "Pageviews")!.slice(1, 3)).toEqual([2, 0]);
    const funnel = weekly.tables.find((t) => t.title === "Conversion funnel")!;
    expect(funnel.rows.map((r) => [r[1], r[2]])).toEqual([["$pageview", 2], ["search", 1], ["checkout_started", 1], ["booking_completed", 1]]);
    expect(weekly.tables.find((t) => t.title === "Top routes by revenue")!.rows).toEqual([["LHR-JFK", 1, 80, 80, 8]]);

    // 1 Nov: October (80 + 40) against September (70).
    const monthly = await buildDocument(env.deps, { ...base, name: "Monthly", kind: "monthly_business_review" }, new Date("2026-11-01T08:00:00Z"));
    expect(monthly.periodLabel).toBe("October 2026");
    expect(monthly.tables[0]!.rows.find((r) => r[0] === "Revenue")).toEqual(["Revenue", 120, 70, 50 / 70]);
    expect(monthly.tables.find((t) => t.title === "Revenue by day")!.rows).toHaveLength(31);

    // 1 Oct: Q3 (70) against Q2 (nothing).
    const quarterly = await buildDocument(env.deps, { ...base, name: "Quarterly", kind: "quarterly_trends" }, new Date("2026-10-01T06:00:00Z"));
    expect(quarterly.periodLabel).toBe("Q3 2026");
    expect(quarterly.tables[0]!.rows.find((r) => r[0] === "Revenue")).toEqual(["Revenue", 70, 0, null]);
    const trend = quarterly.tables.find((t) => t.title.startsWith("Monthly trend"))!;
    expect(trend.rows.map((r) => [r[0], r[1]])).toEqual([["Apr 2026", 0], ["May 2026", 0], ["Jun 2026", 0], ["Jul 2026", 0], ["Aug 2026", 0], ["Sept 2026", 70]]);
  });

  it("a saved insight as a report; bad input is a 400 naming the field; viewers read only", async () => {
    const insight = await env.db.prisma.savedInsight.create({
      data: {
        projectId,
        name: "Bookings per day",
        kind: "trends",
        query: { kind: "trends", series: [{ event: "booking_completed" }], interval: "day", dateRange: { from: "2026-10-12", to: "2026-10-18" } },
      },
    });
    const report = await analyst.caller.reports.create({ name: "Bookings insight", kind: "insight", params: { insightId: insight.id }, cron: "0 7 * * 1", formats: ["csv", "json"], enabled: false });
    await analyst.caller.reports.runNow({ id: report.id });
    await runReportsPass(env.deps, { reportId: report.id });
    const [run] = await analyst.caller.reports.runs({ id: report.id });
    expect(run).toMatchObject({ status: "completed", trigger: "manual", scheduledFor: null });
    const json = JSON.parse((await analyst.caller.reports.file({ id: run!.files.find((f) => f.format === "json")!.id })).bytes.toString("utf8"));
    expect(json.tables[0].columns.map((c: { label: string }) => c.label)).toEqual(["Period", "booking_completed"]);
    expect(json.tables[0].rows).toEqual([
      ["2026-10-12", 0],
      ["2026-10-13", 0],
      ["2026-10-14", 1],
      ["2026-10-15", 0],
      ["2026-10-16", 0],
      ["2026-10-17", 0],
      ["2026-10-18", 0],
      ["Total", 1],
    ]);

    await expect(analyst.caller.reports.create({ name: "x", kind: "insight", params: { insightId: randomUUID() }, cron: "0 7 * * 1", formats: ["csv"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/insightId/),
    });
    await expect(analyst.caller.reports.create({ name: "x", kind: "daily_revenue", cron: "0 7 * *", formats: ["csv"] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const preview = await analyst.caller.reports.preview({ cron: "0 7 * * 1" });
    expect(preview.error).toBeNull();
    expect(preview.runs).toHaveLength(3);
    const bad = await analyst.caller.reports.preview({ cron: "nope" });
    expect(bad.runs).toEqual([]);
    expect(bad.error).toMatch(/\S/);
    expect((await analyst.caller.reports.preview({ cron: "0 7 * * 1", timezone: "Mars/Olympus" })).error).toBe('unknown time zone "Mars/Olympus"');

    const viewer = await signIn(env.deps, "viewer");
    expect((await viewer.caller.reports.list()).map((r) => r.name)).toContain("Bookings insight");
    expect((await viewer.caller.reports.file({ id: run!.files[0]!.id })).size).toBeGreaterThan(0);
    await expect(viewer.caller.reports.runNow({ id: report.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.caller.reports.delete({ id: report.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    // A deleted insight makes the next run fail, visibly.
    await env.db.prisma.savedInsight.delete({ where: { id: insight.id } });
    await analyst.caller.reports.runNow({ id: report.id });
    await runReportsPass(env.deps, { reportId: report.id });
    const [failed] = await analyst.caller.reports.runs({ id: report.id });
    expect(failed).toMatchObject({ status: "failed", error: "the saved insight this report shows was deleted" });
  });
});
