import { Form } from "@remix-run/react";
import { useState } from "react";
import { SelectField, TextField } from "~/components/Field";
import { SchedulePreview } from "./SchedulePreview";

export interface ReportValues {
  id?: string;
  name: string;
  kind: string;
  params: { insightId?: string };
  cron: string;
  timezone: string;
  formats: string[];
  recipients: string[];
  delivery: string;
  enabled: boolean;
}

export const KIND_OPTIONS = [
  { value: "daily_revenue", label: "Daily revenue summary", cron: "0 8 * * *" },
  { value: "weekly_performance", label: "Weekly performance digest", cron: "0 8 * * 1" },
  { value: "monthly_business_review", label: "Monthly business review", cron: "0 8 1 * *" },
  { value: "quarterly_trends", label: "Quarterly trends", cron: "0 8 1 1,4,7,10 *" },
  { value: "insight", label: "Saved insight (any insight; dashboards come later)", cron: "0 8 * * 1" },
] as const;

const FORMATS = [
  { value: "csv", label: "CSV" },
  { value: "xlsx", label: "Excel (XLSX)" },
  { value: "pdf", label: "PDF" },
  { value: "json", label: "JSON" },
];

/** Create and edit form; field names follow the shared zod schema (server/reports/schema.ts). */
export function ReportForm({
  report,
  projectTimezone,
  insights,
  timezones,
  initialPreview,
  errors,
  busy,
}: {
  report: ReportValues | null;
  projectTimezone: string;
  insights: Array<{ id: string; name: string }>;
  timezones: string[];
  initialPreview: { runs: { at: string; label: string }[]; error: string | null };
  errors?: Partial<Record<string, string>>;
  busy: boolean;
}) {
  const r: ReportValues = report ?? { name: "", kind: "daily_revenue", params: {}, cron: "0 8 * * *", timezone: projectTimezone, formats: ["csv", "xlsx", "pdf"], recipients: [], delivery: "attachment", enabled: true };
  const [kind, setKind] = useState(r.kind);
  const [cron, setCron] = useState(r.cron);
  const [timezone, setTimezone] = useState(r.timezone);
  return (
    <Form method="post" className="form-grid" noValidate aria-label="Report" key={r.id ?? "new"}>
      <input type="hidden" name="intent" value="save" />
      {r.id ? <input type="hidden" name="id" value={r.id} /> : null}
      <TextField label="Name" name="name" defaultValue={r.name} required maxLength={200} error={errors?.name} />
      <SelectField
        label="Report"
        name="kind"
        value={kind}
        error={errors?.kind}
        onChange={(e) => {
          const next = e.currentTarget.value;
          setKind(next);
          if (!r.id) setCron(KIND_OPTIONS.find((k) => k.value === next)?.cron ?? cron);
        }}
      >
        {KIND_OPTIONS.map((k) => (
          <option key={k.value} value={k.value}>{k.label}</option>
        ))}
      </SelectField>
      {kind === "insight" ? (
        <SelectField label="Saved insight" name="insightId" defaultValue={r.params.insightId ?? ""} error={errors?.params}>
          <option value="">Pick a saved insight…</option>
          {insights.map((i) => (
            <option key={i.id} value={i.id}>{i.name}</option>
          ))}
        </SelectField>
      ) : null}
      <TextField
        label="Schedule (cron)"
        name="cron"
        value={cron}
        onChange={(e) => setCron(e.currentTarget.value)}
        required
        maxLength={200}
        error={errors?.cron}
        hint="minute hour day-of-month month day-of-week, e.g. 0 8 * * 1 = Mondays at 08:00"
      />
      <TextField label="Time zone" name="timezone" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)} list="report-timezones" error={errors?.timezone} hint={`The schedule and the report's days are read in this zone (project: ${projectTimezone}).`} />
      <datalist id="report-timezones">
        {timezones.map((tz) => (
          <option key={tz} value={tz} />
        ))}
      </datalist>
      <SchedulePreview cron={cron} timezone={timezone || projectTimezone} initial={initialPreview} />
      <fieldset className="field">
        <legend>Formats</legend>
        {FORMATS.map((f) => (
          <label key={f.value} className="checkbox">
            <input type="checkbox" name="formats" value={f.value} defaultChecked={r.formats.includes(f.value)} /> {f.label}
          </label>
        ))}
        {errors?.formats ? <small className="field-error">{errors.formats}</small> : null}
      </fieldset>
      <label className="field">
        <span>Recipients</span>
        <textarea name="recipients" rows={2} defaultValue={r.recipients.join(", ")} aria-invalid={errors?.recipients ? true : undefined} />
        <small className="field-hint">Email addresses, comma separated. Empty: files are kept for download only.</small>
        {errors?.recipients ? <small className="field-error">{errors.recipients}</small> : null}
      </label>
      <SelectField label="Delivery" name="delivery" defaultValue={r.delivery} error={errors?.delivery}>
        <option value="attachment">Attach the files (a link when over 10 MB)</option>
        <option value="link">Send a download link</option>
      </SelectField>
      <label className="checkbox">
        <input type="checkbox" name="enabled" defaultChecked={r.enabled} /> Enabled (runs on its schedule)
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>{r.id ? "Save report" : "Create report"}</button>
      </div>
    </Form>
  );
}
