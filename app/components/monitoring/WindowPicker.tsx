import { Form } from "@remix-run/react";

export type MonitoringWindow = readonly [minutes: number, label: string];

export const MONITORING_WINDOWS: readonly MonitoringWindow[] = [
  [15, "15 minutes"],
  [60, "1 hour"],
  [360, "6 hours"],
  [1440, "24 hours"],
  [10080, "7 days"],
];

/** The `window` search parameter if it is one of `windows`, else 60 minutes. */
export function windowFromUrl(url: string, windows: readonly MonitoringWindow[] = MONITORING_WINDOWS): number {
  const asked = Number(new URL(url).searchParams.get("window"));
  return windows.some(([m]) => m === asked) ? asked : 60;
}

/** A GET form choosing the time window of a monitoring page (submits on change). */
export function WindowPicker({ value, windows = MONITORING_WINDOWS }: { value: number; windows?: readonly MonitoringWindow[] }) {
  return (
    <Form method="get" className="filter-bar">
      <label className="field field-inline">
        <span>Window</span>
        <select name="window" defaultValue={String(value)} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
          {windows.map(([m, label]) => (
            <option key={m} value={m}>{label}</option>
          ))}
        </select>
      </label>
      <noscript><button type="submit" className="btn btn-sm btn-secondary">Show</button></noscript>
    </Form>
  );
}
