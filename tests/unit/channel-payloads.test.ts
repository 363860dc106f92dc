import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backoffMs } from "../../server/channels/deliveries";
import { emailMessage, pagerDutyPayload, slackPayload } from "../../server/channels/render";
import { channelConfig, redactConfig, type Notification } from "../../server/channels/schema";
import { signWebhook } from "../../server/channels/send";

const n: Notification = {
  type: "alert_firing", ruleId: "r1", ruleName: "Errors", severity: "critical", condition: "above", threshold: 0.01, value: 0.02,
  dedupKey: "k1", at: "2030-01-01T00:00:00.000Z", recipients: [], url: "https://fs.example/monitoring/alerts?rule=r1",
};

describe("channel payloads", () => {
  it("signs webhooks with HMAC-SHA256 over `${timestamp}.${body}`", () => {
    const expected = createHmac("sha256", "secret").update('1700000000.{"a":1}').digest("hex");
    expect(signWebhook("secret", 1700000000, '{"a":1}')).toBe(`sha256=${expected}`);
  });
  it("PagerDuty trigger and resolve share the dedup key", () => {
    const trigger = pagerDutyPayload(n, "rk");
    const resolve = pagerDutyPayload({ ...n, type: "alert_resolved" }, "rk");
    expect(trigger).toMatchObject({ event_action: "trigger", dedup_key: "k1", links: [{ href: n.url }] });
    expect(resolve).toEqual({ routing_key: "rk", event_action: "resolve", dedup_key: "k1" });
  });
  it("Slack carries a link when the public URL is known; email names rule and time", () => {
    expect(slackPayload(n).blocks[2]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: `Severity *critical* · ${n.at} · <${n.url}|Open in Foresight>` }] });
    expect(emailMessage(n)).toEqual({
      subject: "[Foresight] [FIRING] Errors",
      text: `Firing: value 0.02 (> 0.01). Severity critical.\nRule: Errors\nAt: ${n.at}\nDedup key: k1\nOpen: ${n.url}\n`,
    });
  });
  it("backs off exponentially up to an hour", () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20)).toBe(3600_000);
  });
  it("redacts secrets", () => {
    expect(redactConfig(channelConfig.parse({ kind: "email", to: [], smtpUrl: "smtp://u:p@mail:25" }))).toMatchObject({ smtpUrl: "smtp://•••@mail:25" });
    expect(redactConfig(channelConfig.parse({ kind: "pagerduty", routingKey: "abcdef123" }))).toMatchObject({ routingKey: "abcd•••", eventsUrl: "https://events.pagerduty.com/v2/enqueue" });
  });
});
