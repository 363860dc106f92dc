import { z } from "zod";
import { parseCron } from "./cron";

export const REPORT_KINDS = ["daily_revenue", "weekly_performance", "monthly_business_review", "quarterly_trends", "insight"] as const;
export const reportKind = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof reportKind>;

export const REPORT_FORMATS = ["csv", "xlsx", "pdf", "json"] as const;
export const reportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof reportFormat>;

export const REPORT_KIND_LABELS: Record<ReportKind, string> = {
  daily_revenue: "Daily revenue summary",
  weekly_performance: "Weekly performance digest",
  monthly_business_review: "Monthly business review",
  quarterly_trends: "Quarterly trends",
  insight: "Saved insight",
};

export const reportParams = z
  .object({
    /** kind "insight": the saved insight whose answer the report carries. */
    insightId: z.uuid().optional(),
  })
  .strict();
export type ReportParams = z.infer<typeof reportParams>;

/** One scheduled report definition: the procedure, the form and the tests parse this. */
export const reportInput = z
  .object({
    name: z.string().trim().min(1, "give the report a name").max(200),
    kind: reportKind,
    params: reportParams.default({}),
    /** Five fields: minute hour day-of-month month day-of-week, read in `timezone`. */
    cron: z.string().trim().min(1, "five fields: minute hour day month weekday").max(200),
    /** IANA zone; omitted: the project's time zone. */
    timezone: z.string().trim().min(1).max(100).optional(),
    formats: z.array(reportFormat).min(1, "pick at least one format").max(4),
    recipients: z.array(z.email("not an email address")).max(50).default([]),
    /** attachment: files ride on the email (a link instead when they are too large); link: always a link. */
    delivery: z.enum(["attachment", "link"]).default("attachment"),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((r, ctx) => {
    try {
      // A valid expression can still never fire (30 February): the report would silently never run.
      if (parseCron(r.cron, r.timezone ?? "UTC").nextRun() === null) ctx.addIssue({ code: "custom", path: ["cron"], message: "this schedule never fires" });
    } catch (err) {
      const message = (err as Error).message;
      ctx.addIssue({ code: "custom", path: [/time zone/.test(message) ? "timezone" : "cron"], message });
    }
    if (r.kind === "insight" && !r.params.insightId) ctx.addIssue({ code: "custom", path: ["params", "insightId"], message: "pick the saved insight to report" });
    if (new Set(r.formats).size !== r.formats.length) ctx.addIssue({ code: "custom", path: ["formats"], message: "each format once" });
  });
export type ReportInput = z.infer<typeof reportInput>;

export const RUN_STATUSES = ["pending", "running", "completed", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** report_runs.email_status. */
export interface EmailStatus {
  status?: "pending" | "sending" | "sent" | "retrying" | "failed" | "skipped";
  attempts?: number;
  lastError?: string | null;
  nextAttemptAt?: string | null;
  sentAt?: string | null;
  /** How the files went: attached, or linked (delivery=link or too large to attach). */
  mode?: "attachment" | "link";
  recipients?: string[];
  /** Written when the files are made, so retries send the same message. */
  subject?: string;
  summary?: string;
}
