import { Form } from "@remix-run/react";
import { useState } from "react";
import { SelectField, TextField } from "~/components/Field";

export interface RuleValues {
  id?: string;
  name: string;
  source: { kind: string; name?: string; labels?: Record<string, string>; aggregation?: string; denominator?: string; savedInsightId?: string; series?: string };
  condition: string;
  threshold: number;
  windowSeconds: number;
  forSeconds: number;
  cooldownSeconds: number;
  severity: string;
  channelIds: string[];
  recipients: string[];
  muteWindows: unknown;
  enabled: boolean;
}

const blank: RuleValues = {
  name: "", source: { kind: "metric", name: "", labels: {}, aggregation: "sum" }, condition: "above", threshold: 0,
  windowSeconds: 300, forSeconds: 0, cooldownSeconds: 3600, severity: "warning", channelIds: [], recipients: [], muteWindows: [], enabled: true,
};

function dailyMute(m: unknown): string {
  const first = Array.isArray(m) ? (m as Array<{ kind?: string; start?: string; end?: string }>).find((w) => w.kind === "daily") : undefined;
  return first ? `${first.start}-${first.end}` : "";
}

/** The rule editor: one form for create and edit, fields named as the shared zod schema's. */
export function AlertRuleForm({
  rule,
  channels,
  insights,
  errors,
  busy,
}: {
  rule: RuleValues | null;
  channels: Array<{ id: string; name: string; kind: string }>;
  insights: Array<{ id: string; name: string }>;
  errors?: Partial<Record<string, string>>;
  busy: boolean;
}) {
  const r = rule ?? blank;
  const [kind, setKind] = useState(r.source.kind);
  const labels = Object.entries(r.source.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
  return (
    <Form method="post" className="form-grid" noValidate key={r.id ?? "new"} aria-label="Alert rule">
      <input type="hidden" name="intent" value="save" />
      {r.id ? <input type="hidden" name="id" value={r.id} /> : null}
      <TextField label="Rule name" name="name" defaultValue={r.name} required maxLength={200} error={errors?.name} />
      <SelectField label="Source" name="sourceKind" value={kind} onChange={(e) => setKind(e.currentTarget.value)} error={errors?.source}>
        <option value="metric">Metric</option>
        <option value="insight">Saved insight</option>
      </SelectField>
      {kind === "metric" ? (
        <>
          <TextField label="Metric" name="metricName" defaultValue={r.source.name ?? ""} hint="e.g. http_errors, http_latency_p95, capture_events" />
          <TextField label="Labels" name="labels" defaultValue={labels} hint="key=value, comma separated (route=* for all routes)" />
          <SelectField label="Aggregation" name="aggregation" defaultValue={r.source.aggregation ?? "sum"}>
            {["sum", "avg", "max", "min", "last"].map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </SelectField>
          <TextField label="Divided by (optional)" name="denominator" defaultValue={r.source.denominator ?? ""} hint="e.g. http_requests for a rate" />
        </>
      ) : (
        <>
          <SelectField label="Saved insight" name="savedInsightId" defaultValue={r.source.savedInsightId ?? ""}>
            <option value="">Choose…</option>
            {insights.map((i) => (
              <option key={i.id} value={i.id}>{i.name}</option>
            ))}
          </SelectField>
          <TextField label="Series key" name="series" defaultValue={r.source.series ?? ""} hint="A, B … or formula; the first series when empty" />
        </>
      )}
      <SelectField label="Condition" name="condition" defaultValue={r.condition} error={errors?.condition}>
        <option value="above">Above</option>
        <option value="below">Below</option>
        <option value="change_pct">Changes by % vs previous window</option>
      </SelectField>
      <TextField label="Threshold" name="threshold" type="number" step="any" defaultValue={String(r.threshold)} error={errors?.threshold} />
      <TextField label="Window (seconds)" name="windowSeconds" type="number" defaultValue={String(r.windowSeconds)} error={errors?.windowSeconds} />
      <TextField label="For (seconds)" name="forSeconds" type="number" defaultValue={String(r.forSeconds)} hint="Pending this long before firing" error={errors?.forSeconds} />
      <TextField label="Cooldown (seconds)" name="cooldownSeconds" type="number" defaultValue={String(r.cooldownSeconds)} hint="No re-fire within this" error={errors?.cooldownSeconds} />
      <SelectField label="Severity" name="severity" defaultValue={r.severity}>
        <option value="info">Info</option>
        <option value="warning">Warning</option>
        <option value="critical">Critical</option>
      </SelectField>
      <fieldset className="field">
        <legend>Channels</legend>
        {channels.length === 0 ? <p className="muted">No channels yet: add one on the Channels tab.</p> : null}
        {channels.map((c) => (
          <label key={c.id} className="checkbox">
            <input type="checkbox" name="channelIds" value={c.id} defaultChecked={r.channelIds.includes(c.id)} /> {c.name} <span className="muted">({c.kind})</span>
          </label>
        ))}
        {errors?.channelIds ? <small className="field-error">{errors.channelIds}</small> : null}
      </fieldset>
      <TextField label="Recipients" name="recipients" defaultValue={r.recipients.join(", ")} hint="Extra email addresses for email channels" error={errors?.recipients} />
      <TextField label="Mute daily (UTC)" name="muteDaily" defaultValue={dailyMute(r.muteWindows)} placeholder="22:00-06:00" error={errors?.muteWindows} />
      <label className="checkbox">
        <input type="checkbox" name="enabled" defaultChecked={r.enabled} /> Enabled
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {r.id ? "Save rule" : "Create rule"}
        </button>
      </div>
    </Form>
  );
}
