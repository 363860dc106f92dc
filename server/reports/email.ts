import nodemailer from "nodemailer";
import type { Prisma } from "../db/generated/client";
import type { Deps } from "../deps";
import { backoffMs } from "../channels/deliveries";
import { channelConfig } from "../channels/schema";
import type { EmailStatus } from "./schema";

export const EMAIL_MAX_ATTEMPTS = 5;
/** Above this total size the files are linked instead of attached. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** A claimed email is left alone this long by other passes (a crashed sender's claim expires). */
const EMAIL_LEASE_MS = 5 * 60_000;

export interface EmailPass {
  sent: number;
  retrying: number;
  failed: number;
  nextDueAt: Date | null;
}

/**
 * The SMTP server the email channel uses: FORESIGHT_SMTP_URL, else the first enabled email
 * channel (of the project, then instance-wide) that names its own server.
 */
export async function smtpSettings(deps: Pick<Deps, "db" | "config">, projectId: string): Promise<{ url: string; from: string } | null> {
  if (deps.config.FORESIGHT_SMTP_URL) return { url: deps.config.FORESIGHT_SMTP_URL, from: deps.config.FORESIGHT_SMTP_FROM };
  const channels = await deps.db.prisma.notificationChannel.findMany({
    where: { kind: "email", enabled: true, OR: [{ projectId }, { projectId: null }] },
    orderBy: { createdAt: "asc" },
  });
  channels.sort((a, b) => Number(b.projectId === projectId) - Number(a.projectId === projectId));
  for (const c of channels) {
    const parsed = channelConfig.safeParse(c.config);
    if (parsed.success && parsed.data.kind === "email" && parsed.data.smtpUrl) return { url: parsed.data.smtpUrl, from: parsed.data.from ?? deps.config.FORESIGHT_SMTP_FROM };
  }
  return null;
}

export function publicBaseUrl(config: Deps["config"]): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, "");
}

async function sendOne(deps: Pick<Deps, "db" | "config">, runId: string, status: EmailStatus): Promise<"attachment" | "link"> {
  const { prisma } = deps.db;
  const run = await prisma.reportRun.findUniqueOrThrow({ where: { id: runId }, include: { report: true, files: { orderBy: { format: "asc" } } } });
  const smtp = await smtpSettings(deps, run.report.projectId);
  if (!smtp) throw new Error("no SMTP server: set FORESIGHT_SMTP_URL or give an email channel an SMTP URL");
  const total = run.files.reduce((n, f) => n + f.size, 0);
  const mode = run.report.delivery === "link" || total > MAX_ATTACHMENT_BYTES ? "link" : "attachment";
  const base = publicBaseUrl(deps.config);
  const lines = [status.summary ?? run.report.name, ""];
  if (mode === "attachment") lines.push(`Attached: ${run.files.map((f) => f.filename).join(", ")}`);
  else {
    if (run.report.delivery !== "link") lines.push("The files are too large to attach; download them here (log in first):");
    else lines.push("Download (log in first):");
    for (const f of run.files) lines.push(`  ${f.filename}: ${base}/reports/files/${f.id}`);
  }
  lines.push("", `Report history: ${base}/reports/${run.reportId}`);
  const transport = nodemailer.createTransport(smtp.url);
  try {
    await transport.sendMail({
      from: smtp.from,
      to: status.recipients ?? run.report.recipients,
      subject: status.subject ?? `[Foresight] ${run.report.name}`,
      text: `${lines.join("\n")}\n`,
      attachments: mode === "attachment" ? run.files.map((f) => ({ filename: f.filename, content: Buffer.from(f.bytes), contentType: f.contentType })) : [],
    });
  } finally {
    transport.close();
  }
  return mode;
}

/** Sends the report emails due at `now`; a failure is retried with backoff, then marked failed for good (shown on the run). */
export async function sendDueEmails(deps: Pick<Deps, "db" | "config" | "logger">, now = new Date()): Promise<EmailPass> {
  const { pool, prisma } = deps.db;
  // Claim: bump nextAttemptAt past a lease so a concurrent pass skips these rows.
  const { rows } = await pool.query<{ id: string; email_status: EmailStatus }>(
    `update report_runs set email_status = email_status || jsonb_build_object('nextAttemptAt', $2::text)
      where id in (select id from report_runs
                    where status = 'completed' and email_status->>'status' in ('pending', 'retrying')
                      and coalesce((email_status->>'nextAttemptAt')::timestamptz, '-infinity') <= $1
                    order by created_at limit 20 for update skip locked)
      returning id, email_status`,
    [now, new Date(now.getTime() + EMAIL_LEASE_MS).toISOString()],
  );
  const pass: EmailPass = { sent: 0, retrying: 0, failed: 0, nextDueAt: null };
  for (const { id, email_status: status } of rows) {
    const attempts = (status.attempts ?? 0) + 1;
    let next: EmailStatus;
    try {
      const mode = await sendOne(deps, id, status);
      next = { ...status, status: "sent", attempts, mode, lastError: null, nextAttemptAt: null, sentAt: new Date().toISOString() };
      pass.sent++;
    } catch (err) {
      const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      const giveUp = attempts >= EMAIL_MAX_ATTEMPTS;
      next = { ...status, status: giveUp ? "failed" : "retrying", attempts, lastError, nextAttemptAt: giveUp ? null : new Date(now.getTime() + backoffMs(attempts)).toISOString() };
      deps.logger.warn({ runId: id, attempts, err: lastError }, giveUp ? "report email failed for good" : "report email failed; will retry");
      if (giveUp) pass.failed++;
      else pass.retrying++;
    }
    await prisma.reportRun.update({ where: { id }, data: { emailStatus: next as Prisma.InputJsonValue } });
  }
  const { rows: due } = await pool.query<{ at: string | null }>(
    `select min(email_status->>'nextAttemptAt') as at from report_runs where status = 'completed' and email_status->>'status' in ('pending', 'retrying')`,
  );
  pass.nextDueAt = due[0]?.at ? new Date(due[0].at) : null;
  return pass;
}
