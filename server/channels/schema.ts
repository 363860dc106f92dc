import { z } from "zod";

const url = z.url({ protocol: /^https?$/ });

/** Per-kind settings stored in notification_channels.config; one schema for procedure, form and tests. */
export const channelConfig = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("email"),
    to: z.array(z.email()).max(50).default([]),
    /** smtp(s)://user:pass@host:port; FORESIGHT_SMTP_URL when omitted. */
    smtpUrl: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional(),
    from: z.string().min(3).max(200).optional(),
  }).strict(),
  z.object({ kind: z.literal("slack"), webhookUrl: url }).strict(),
  z.object({
    kind: z.literal("pagerduty"),
    routingKey: z.string().min(1).max(100),
    eventsUrl: url.default("https://events.pagerduty.com/v2/enqueue"),
  }).strict(),
  z.object({ kind: z.literal("webhook"), url, secret: z.string().min(16).max(200) }).strict(),
]);
export type ChannelConfig = z.infer<typeof channelConfig>;
export type ChannelKind = ChannelConfig["kind"];

export const channelInput = z.object({
  name: z.string().trim().min(1).max(200),
  config: channelConfig,
  enabled: z.boolean().default(true),
});
export type ChannelInput = z.infer<typeof channelInput>;

/** What a delivery carries, whatever the channel: each sender renders it its own way. */
export const notification = z.object({
  type: z.enum(["alert_firing", "alert_resolved", "test"]),
  ruleId: z.string().nullable(),
  ruleName: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  condition: z.string(),
  threshold: z.number().nullable(),
  value: z.number().nullable(),
  dedupKey: z.string(),
  /** When the alert fired or resolved (ISO). */
  at: z.string(),
  recipients: z.array(z.string()).default([]),
  url: z.string().nullable(),
});
export type Notification = z.infer<typeof notification>;

/** Hides secrets before a channel leaves the server. */
export function redactConfig(config: ChannelConfig): Record<string, unknown> {
  switch (config.kind) {
    case "email":
      return { ...config, smtpUrl: config.smtpUrl ? config.smtpUrl.replace(/\/\/[^@/]*@/, "//•••@") : undefined };
    case "slack":
      return { kind: "slack", webhookUrl: config.webhookUrl.replace(/\/[^/]{6,}$/, "/•••") };
    case "pagerduty":
      return { ...config, routingKey: `${config.routingKey.slice(0, 4)}•••` };
    case "webhook":
      return { kind: "webhook", url: config.url, secret: "•••" };
  }
}
