import { describe, expect, it } from "vitest";
import { formatRunTime, latestRunAtOrBefore, nextRuns, previewRuns } from "../../server/reports/cron";
import { lastCompletePeriod } from "../../server/reports/period";
import { reportInput } from "../../server/reports/schema";

// Europe/Berlin: CET = UTC+1, CEST = UTC+2. In 2026 summer time starts Sun 29 Mar at 02:00 CET
// (clocks jump to 03:00 CEST) and ends Sun 25 Oct at 03:00 CEST (clocks go back to 02:00 CET).
// Every expected instant below is worked out from those two facts by hand.
const BERLIN = "Europe/Berlin";
const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe("next runs across DST (Europe/Berlin)", () => {
  it("a daily 02:30 run: spring-forward skips 02:30, so it fires once at 03:00 CEST", () => {
    expect(iso(nextRuns("30 2 * * *", BERLIN, new Date("2026-03-27T12:00:00Z"), 3))).toEqual([
      "2026-03-28T01:30:00.000Z", // Sat 02:30 CET
      "2026-03-29T01:00:00.000Z", // Sun: 02:30 does not exist; first instant after the gap, 03:00 CEST
      "2026-03-30T00:30:00.000Z", // Mon 02:30 CEST
    ]);
  });

  it("a daily 02:30 run: fall-back repeats 02:30, it fires only at the first one", () => {
    expect(iso(nextRuns("30 2 * * *", BERLIN, new Date("2026-10-23T12:00:00Z"), 3))).toEqual([
      "2026-10-24T00:30:00.000Z", // Sat 02:30 CEST
      "2026-10-25T00:30:00.000Z", // Sun 02:30 CEST (the 02:30 CET an hour later is not a second run)
      "2026-10-26T01:30:00.000Z", // Mon 02:30 CET
    ]);
    // Computing the next run right after the first 02:30 must not land on the repeated one.
    expect(iso(nextRuns("30 2 * * *", BERLIN, new Date("2026-10-25T00:30:00Z"), 1))).toEqual(["2026-10-26T01:30:00.000Z"]);
  });

  it("a weekly Monday 09:00 run keeps local 09:00 across the change", () => {
    expect(iso(nextRuns("0 9 * * 1", BERLIN, new Date("2026-03-20T00:00:00Z"), 3))).toEqual([
      "2026-03-23T08:00:00.000Z", // 09:00 CET
      "2026-03-30T07:00:00.000Z", // 09:00 CEST
      "2026-04-06T07:00:00.000Z",
    ]);
  });

  it("an hourly run neither skips nor doubles in the repeated hour", () => {
    // From 02:20 CEST on 25 Oct: 02:15 CET (01:15Z), 03:15 CET (02:15Z), 04:15 CET (03:15Z).
    expect(iso(nextRuns("15 * * * *", BERLIN, new Date("2026-10-25T00:20:00Z"), 3))).toEqual([
      "2026-10-25T01:15:00.000Z",
      "2026-10-25T02:15:00.000Z",
      "2026-10-25T03:15:00.000Z",
    ]);
  });

  it("a monthly run in New York follows EST then EDT (DST from Sun 8 Mar 2026)", () => {
    expect(iso(nextRuns("0 9 1 * *", "America/New_York", new Date("2026-02-15T00:00:00Z"), 2))).toEqual([
      "2026-03-01T14:00:00.000Z", // 09:00 EST (UTC-5)
      "2026-04-01T13:00:00.000Z", // 09:00 EDT (UTC-4)
    ]);
  });

  it("finds the latest slot at or before a moment (a worker that was down runs that one)", () => {
    expect(latestRunAtOrBefore("0 8 * * *", BERLIN, new Date("2026-11-22T07:00:00Z"))?.toISOString()).toBe("2026-11-22T07:00:00.000Z");
    expect(latestRunAtOrBefore("0 8 * * *", BERLIN, new Date("2026-11-22T06:59:59Z"))?.toISOString()).toBe("2026-11-21T07:00:00.000Z");
  });

  it("previews runs in the report's time zone, and explains a wrong expression", () => {
    const p = previewRuns("0 8 * * *", BERLIN, new Date("2026-11-22T12:00:00Z"));
    expect(p.error).toBeNull();
    expect(p.runs.map((r) => r.at)).toEqual(["2026-11-23T07:00:00.000Z", "2026-11-24T07:00:00.000Z", "2026-11-25T07:00:00.000Z"]);
    expect(p.runs[0]!.label).toBe(formatRunTime(new Date("2026-11-23T07:00:00Z"), BERLIN));
    expect(p.runs[0]!.label).toMatch(/Mon.*23 Nov 2026.*08:00/);
    expect(previewRuns("61 * * * *", BERLIN, new Date()).error).toMatch(/minute/);
    expect(previewRuns("* * * * * *", BERLIN, new Date()).error).toMatch(/5 parts/);
  });
});

describe("the period a run covers (last complete one, local time)", () => {
  it("daily: the day before the run, 23 hours long on the spring-forward day", () => {
    const p = lastCompletePeriod(new Date("2026-03-30T06:00:00Z"), "day", BERLIN);
    expect(p.from.toISOString()).toBe("2026-03-28T23:00:00.000Z"); // Sun 29 Mar 00:00 CET
    expect(p.to.toISOString()).toBe("2026-03-29T22:00:00.000Z"); // Mon 30 Mar 00:00 CEST
    expect(p.previous.from.toISOString()).toBe("2026-03-27T23:00:00.000Z");
    expect(p.label).toBe("Sun, 29 Mar 2026");
  });

  it("weekly: Monday to Monday; monthly and quarterly: calendar periods", () => {
    const w = lastCompletePeriod(new Date("2026-11-23T07:00:00Z"), "week", BERLIN); // Mon 23 Nov 08:00 CET
    expect([w.from.toISOString(), w.to.toISOString(), w.previous.from.toISOString()]).toEqual([
      "2026-11-15T23:00:00.000Z",
      "2026-11-22T23:00:00.000Z",
      "2026-11-08T23:00:00.000Z",
    ]);
    const m = lastCompletePeriod(new Date("2026-11-01T07:00:00Z"), "month", BERLIN);
    expect([m.from.toISOString(), m.to.toISOString(), m.label]).toEqual(["2026-09-30T22:00:00.000Z", "2026-10-31T23:00:00.000Z", "October 2026"]);
    const q = lastCompletePeriod(new Date("2026-10-01T06:00:00Z"), "quarter", BERLIN);
    expect([q.from.toISOString(), q.to.toISOString(), q.label, q.previous.from.toISOString(), q.previous.label]).toEqual([
      "2026-06-30T22:00:00.000Z",
      "2026-09-30T22:00:00.000Z",
      "Q3 2026",
      "2026-03-31T22:00:00.000Z",
      "Q2 2026",
    ]);
    const jan = lastCompletePeriod(new Date("2027-01-05T12:00:00Z"), "quarter", BERLIN);
    expect([jan.from.toISOString(), jan.label, jan.previous.label]).toEqual(["2026-09-30T22:00:00.000Z", "Q4 2026", "Q3 2026"]);
  });
});

describe("report definition schema", () => {
  const base = { name: "Daily", kind: "daily_revenue", cron: "0 8 * * *", timezone: BERLIN, formats: ["csv", "pdf"] };
  const fieldsOf = (input: unknown) => {
    const r = reportInput.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
  };
  it("accepts a good definition with defaults", () => {
    expect(reportInput.parse(base)).toMatchObject({ params: {}, recipients: [], delivery: "attachment", enabled: true });
  });
  it("names the field that is wrong", () => {
    expect(fieldsOf({ ...base, cron: "0 25 * * *" })).toEqual(["cron"]);
    expect(fieldsOf({ ...base, cron: "0 8 * *" })).toEqual(["cron"]);
    expect(fieldsOf({ ...base, timezone: "Mars/Olympus" })).toEqual(["timezone"]);
    expect(fieldsOf({ ...base, formats: [] })).toEqual(["formats"]);
    expect(fieldsOf({ ...base, formats: ["csv", "csv"] })).toEqual(["formats"]);
    expect(fieldsOf({ ...base, formats: ["docx"] })).toEqual(["formats.0"]);
    expect(fieldsOf({ ...base, recipients: ["not-an-email"] })).toEqual(["recipients.0"]);
    expect(fieldsOf({ ...base, kind: "insight" })).toEqual(["params.insightId"]);
    expect(fieldsOf({ ...base, extra: 1 })).toEqual([""]);
  });
});
