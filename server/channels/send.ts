import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { Config } from "../config";
import { emailMessage, pagerDutyPayload, slackPayload, webhookPayload } from "./render";
import type { ChannelConfig, ChannelKind, Notification } from "./schema";

export class DeliveryError extends Error {}

/**
 * Webhook signature: header `X-Foresight-Signature: sha256=<hex>` where hex is
 * HMAC-SHA256(secret, `${X-Foresight-Timestamp}.${raw body}`), the timestamp in Unix seconds.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new DeliveryError(`POST ${new URL(url).host} failed: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 300);
    throw new DeliveryError(`POST ${new URL(url).host} answered ${res.status}${text ? `: ${text}` : ""}`);
  }
}

type Sender<K extends ChannelKind> = (config: Extract<ChannelConfig, { kind: K }>, n: Notification, env: { config: Config; now: Date }) => Promise<void>;

const senders: { [K in ChannelKind]: Sender<K> } = {
  async email(config, n, env) {
    const smtpUrl = config.smtpUrl ?? env.config.FORESIGHT_SMTP_URL;
    if (!smtpUrl) throw new DeliveryError("no SMTP server: set the channel's SMTP URL or FORESIGHT_SMTP_URL");
    const to = [...new Set([...config.to, ...n.recipients])];
    if (!to.length) throw new DeliveryError("no recipients");
    const transport = nodemailer.createTransport(smtpUrl);
    try {
      const { subject, text } = emailMessage(n);
      await transport.sendMail({ from: config.from ?? env.config.FORESIGHT_SMTP_FROM, to, subject, text });
    } catch (err) {
      throw new DeliveryError(`SMTP: ${(err as Error).message}`);
    } finally {
      transport.close();
    }
  },
  async slack(config, n) {
    await postJson(config.webhookUrl, JSON.stringify(slackPayload(n)));
  },
  async pagerduty(config, n) {
    await postJson(config.eventsUrl, JSON.stringify(pagerDutyPayload(n, config.routingKey)));
  },
  async webhook(config, n, env) {
    const body = JSON.stringify(webhookPayload(n));
    const ts = Math.floor(env.now.getTime() / 1000);
    await postJson(config.url, body, {
      "x-foresight-timestamp": String(ts),
      "x-foresight-signature": signWebhook(config.secret, ts, body),
      "x-foresight-event": n.type,
    });
  },
};

/** Sends one notification through one channel; throws DeliveryError (or any error) on failure. */
export async function send(config: ChannelConfig, n: Notification, env: { config: Config; now: Date }): Promise<void> {
  await (senders[config.kind] as Sender<ChannelKind>)(config as never, n, env);
}
