// Builds the shared zod inputs (server/alerts, server/channels) from the monitoring forms.
// A .server module: the browser build leaves it, and zod, out.
import { alertRuleInput } from "../../../server/alerts/schema";
import { channelInput } from "../../../server/channels/schema";
import { parseForm, text } from "~/lib/forms.server";

const list = (v: string) => v.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
const num = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));

/** "route=*, method=GET" -> { route: "*", method: "GET" } */
function labels(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of v.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [k, ...rest] = pair.split("=");
    if (k) out[k.trim()] = rest.join("=").trim();
  }
  return out;
}

export function alertRuleFromForm(form: FormData) {
  const kind = text(form, "sourceKind");
  const source =
    kind === "insight"
      ? { kind, savedInsightId: text(form, "savedInsightId") || undefined, series: text(form, "series") || undefined }
      : {
          kind: "metric",
          name: text(form, "metricName"),
          labels: labels(text(form, "labels")),
          aggregation: text(form, "aggregation") || "sum",
          denominator: text(form, "denominator") || undefined,
        };
  const mute = text(form, "muteDaily").trim();
  const [start, end] = mute.split("-").map((s) => s.trim());
  return parseForm(alertRuleInput, {
    name: text(form, "name"),
    source,
    condition: text(form, "condition"),
    threshold: num(text(form, "threshold")),
    windowSeconds: num(text(form, "windowSeconds")),
    forSeconds: num(text(form, "forSeconds")),
    cooldownSeconds: num(text(form, "cooldownSeconds")),
    severity: text(form, "severity"),
    channelIds: form.getAll("channelIds").map(String),
    recipients: list(text(form, "recipients")),
    muteWindows: mute ? [{ kind: "daily", start, end }] : [],
    enabled: form.get("enabled") === "on",
  });
}

export function channelFromForm(form: FormData) {
  const kind = text(form, "kind");
  const configs: Record<string, unknown> = {
    email: { kind, to: list(text(form, "to")), smtpUrl: text(form, "smtpUrl") || undefined, from: text(form, "from") || undefined },
    slack: { kind, webhookUrl: text(form, "webhookUrl") },
    pagerduty: { kind, routingKey: text(form, "routingKey"), eventsUrl: text(form, "eventsUrl") || undefined },
    webhook: { kind, url: text(form, "url"), secret: text(form, "secret") },
  };
  return parseForm(channelInput, { name: text(form, "name"), config: configs[kind] ?? { kind }, enabled: true });
}
