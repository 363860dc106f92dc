import { SelectField, TextField } from "~/components/Field";

/** The wizard's submitted fields (name -> value), echoed back so a no-JavaScript round trip keeps them. */
export type SubmittedValues = Record<string, string> | null | undefined;

/**
 * One metric of the wizard: its kind, the event (picked from the project's event names through a
 * datalist), the window after the first exposure (or the retention day). Field names carry a prefix.
 */
export function MetricFields({ prefix, legend, optional, submitted, error }: { prefix: string; legend: string; optional?: boolean; submitted?: SubmittedValues; error?: string }) {
  const v = (field: string, fallback: string) => (submitted ? (submitted[`${prefix}.${field}`] ?? "") : fallback);
  return (
    <fieldset className="stack" data-testid={`metric-${prefix}`}>
      <legend>{legend}</legend>
      <div className="cluster">
        <SelectField label="Kind" name={`${prefix}.kind`} defaultValue={v("kind", optional ? "" : "conversion")} error={error}>
          {optional ? <option value="">(none)</option> : null}
          <option value="conversion">Conversion: did the event happen</option>
          <option value="count">Count per user</option>
          <option value="revenue">Revenue per user</option>
          <option value="retention">Retention: returned on day N</option>
        </SelectField>
        <TextField label="Event" name={`${prefix}.event`} list="event-names" defaultValue={v("event", "")} maxLength={400} hint="Optional for revenue (any event with revenue) and retention (any event)." />
        <TextField label="Window (hours after first exposure)" name={`${prefix}.windowHours`} type="number" min={1} max={2160} defaultValue={v("windowHours", "72")} />
        <TextField label="Retention day" name={`${prefix}.day`} type="number" min={1} max={90} defaultValue={v("day", "7")} />
      </div>
      <label className="checkbox">
        <input type="checkbox" name={`${prefix}.lowerIsBetter`} defaultChecked={submitted ? `${prefix}.lowerIsBetter` in submitted : false} /> Lower is better (errors, refunds)
      </label>
    </fieldset>
  );
}

/** The metric a prefix of the wizard's form describes, as the create schema takes it (undefined when left empty). */
export function metricFromForm(form: FormData, prefix: string): Record<string, unknown> | undefined {
  const get = (k: string) => {
    const v = form.get(`${prefix}.${k}`);
    return typeof v === "string" ? v.trim() : "";
  };
  const kind = get("kind");
  if (!kind) return undefined;
  const event = get("event") || undefined;
  const higherIsBetter = !form.get(`${prefix}.lowerIsBetter`);
  if (kind === "retention") return { kind, event, day: Number(get("day") || 7), higherIsBetter };
  return { kind, event, windowHours: Number(get("windowHours") || 72), higherIsBetter };
}
