import type { Notification } from "./schema";

const TITLES: Record<Notification["type"], string> = { alert_firing: "FIRING", alert_resolved: "RESOLVED", test: "TEST" };

export function title(n: Notification): string {
  return `[${TITLES[n.type]}] ${n.ruleName}`;
}

function describe(n: Notification): string {
  if (n.type === "test") return "A test message from Foresight: this channel works.";
  const cond = n.condition === "above" ? ">" : n.condition === "below" ? "<" : "change % vs previous window, threshold";
  return `${n.type === "alert_firing" ? "Firing" : "Resolved"}: value ${n.value ?? "no data"} (${cond} ${n.threshold}). Severity ${n.severity}.`;
}

export function emailMessage(n: Notification): { subject: string; text: string } {
  const lines = [describe(n), `Rule: ${n.ruleName}`, `At: ${n.at}`, `Dedup key: ${n.dedupKey}`];
  if (n.url) lines.push(`Open: ${n.url}`);
  return { subject: `[Foresight] ${title(n)}`, text: `${lines.join("\n")}\n` };
}

/** Slack incoming webhook: a fallback text plus Block Kit blocks. */
export function slackPayload(n: Notification) {
  return {
    text: title(n),
    blocks: [
      { type: "header", text: { type: "plain_text", text: title(n) } },
      { type: "section", text: { type: "mrkdwn", text: describe(n) } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `Severity *${n.severity}* · ${n.at}${n.url ? ` · <${n.url}|Open in Foresight>` : ""}` }],
      },
    ],
  };
}

const PD_SEVERITY: Record<Notification["severity"], string> = { info: "info", warning: "warning", critical: "critical" };

/** PagerDuty Events API v2: trigger (firing, test) or resolve, one dedup_key per alert firing. */
export function pagerDutyPayload(n: Notification, routingKey: string) {
  if (n.type === "alert_resolved") return { routing_key: routingKey, event_action: "resolve", dedup_key: n.dedupKey };
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: n.dedupKey,
    payload: {
      summary: title(n),
      source: "foresight",
      severity: PD_SEVERITY[n.severity],
      timestamp: n.at,
      custom_details: { rule_id: n.ruleId, condition: n.condition, threshold: n.threshold, value: n.value },
    },
    ...(n.url ? { links: [{ href: n.url, text: "Open in Foresight" }] } : {}),
  };
}

/** Generic webhook body: the notification itself, with a version. */
export function webhookPayload(n: Notification) {
  return { version: 1, ...n };
}
