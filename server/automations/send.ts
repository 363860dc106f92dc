import nodemailer from "nodemailer";
import { signWebhook } from "../channels/send";
import type { Config } from "../config";
import type { AutomationAction } from "./schema";

/** A failure that no retry can fix (no recipients, bad stored rule): the firing fails at once. */
export class PermanentActionError extends Error {}

/** What an automation sends about one person: the body of the webhook, the facts of the email. */
export interface FiringPayload {
  version: 1;
  type: "automation.fired" | "automation.test";
  automation: { id: string; name: string };
  firingId: string;
  person: { id: string; distinctIds: string[]; properties: Record<string, unknown> };
  trigger: { event: string; uuid: string | null; distinctId: string | null; timestamp: string; properties: Record<string, unknown> };
  /** The absence condition that held, or null for rules without one. */
  condition: { absentEvent: string; withinSeconds: number } | null;
}

export interface SendEnv {
  config: Pick<Config, "FORESIGHT_SMTP_URL" | "FORESIGHT_SMTP_FROM">;
  now: Date;
}

/** POSTs JSON signed as the channels' webhooks are (ADR 0015): sha256 HMAC of `<timestamp>.<body>`. */
export async function postSigned(url: string, secret: string, body: string, headers: Record<string, string>, now: Date): Promise<void> {
  const ts = Math.floor(now.getTime() / 1000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-foresight-timestamp": String(ts), "x-foresight-signature": signWebhook(secret, ts, body), ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new Error(`POST ${new URL(url).host} failed: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 300);
    throw new Error(`POST ${new URL(url).host} answered ${res.status}${text ? `: ${text}` : ""}`);
  }
}

/** JSON with object keys sorted at every level: the same payload always gives the same bytes (and signature). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Fixed addresses plus the person's own (when the named property holds an address), deduplicated. */
export function emailRecipients(action: Extract<AutomationAction, { kind: "email" }>, person: FiringPayload["person"]): string[] {
  const own = action.toPersonProperty ? person.properties[action.toPersonProperty] : undefined;
  const to = [...action.to];
  if (typeof own === "string" && EMAIL_RE.test(own.trim())) to.push(own.trim());
  return [...new Set(to)];
}

export function emailText(p: FiringPayload): string {
  const lines = [
    p.type === "automation.test" ? `A test of the automation "${p.automation.name}".` : `The automation "${p.automation.name}" fired.`,
    `Trigger: ${p.trigger.event} at ${p.trigger.timestamp}`,
  ];
  if (p.condition) lines.push(`Condition: no ${p.condition.absentEvent} within ${p.condition.withinSeconds} s`);
  lines.push(`Person: ${p.person.id}`, `Distinct ids: ${p.person.distinctIds.join(", ") || "(none)"}`, "", "Person properties:");
  for (const key of Object.keys(p.person.properties).sort()) lines.push(`  ${key}: ${JSON.stringify(p.person.properties[key])}`);
  return `${lines.join("\n")}\n`;
}

/** Performs the action for one firing; throws on failure (PermanentActionError when retrying is pointless). */
export async function performAction(action: AutomationAction, payload: FiringPayload, env: SendEnv): Promise<void> {
  if (action.kind === "webhook") {
    const headers = { "x-foresight-event": payload.type, "x-foresight-delivery": `automation-firing-${payload.firingId}` };
    await postSigned(action.url, action.secret, canonicalJson(payload), headers, env.now);
    return;
  }
  const to = emailRecipients(action, payload.person);
  if (!to.length) throw new PermanentActionError(`no recipients: no fixed address and no address in person property ${action.toPersonProperty ?? "(none)"}`);
  const smtpUrl = env.config.FORESIGHT_SMTP_URL;
  if (!smtpUrl) throw new Error("no SMTP server: set FORESIGHT_SMTP_URL");
  const transport = nodemailer.createTransport(smtpUrl);
  try {
    await transport.sendMail({ from: env.config.FORESIGHT_SMTP_FROM, to, subject: action.subject, text: emailText(payload) });
  } catch (err) {
    throw new Error(`SMTP: ${(err as Error).message}`);
  } finally {
    transport.close();
  }
}
