import { useId, type ReactNode } from "react";
import type { Breakdown, DateRange } from "../../../server/query/schema/common";
import type { ConversionWindow } from "../../../server/query/schema/funnels";
import { useCohorts, usePropertyKeys } from "./use-definitions";

export const ALL_EVENTS = "$all";

/** A labelled select of event names from the registry (plus "any event", plus the current value). */
export function EventSelect({ label, value, events, onChange, allowAll = true }: { label: string; value: string; events: string[]; onChange(v: string): void; allowAll?: boolean }) {
  const names = events.includes(value) || value === ALL_EVENTS ? events : [value, ...events];
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {allowAll ? <option value={ALL_EVENTS}>Any event</option> : null}
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Select<T extends string>({ label, value, options, onChange, className }: { label: ReactNode; value: T; options: readonly (readonly [T, string])[]; onChange(v: T): void; className?: string }) {
  return (
    <label className={`field${className ? ` ${className}` : ""}`}>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function NumberField({ label, value, min, max, onChange }: { label: ReactNode; value: number; min: number; max: number; onChange(v: number): void }) {
  return (
    <label className="field field-number">
      <span>{label}</span>
      <input
        type="number"
        value={value}
        min={min}
        max={max}
        step={1}
        onChange={(e) => {
          const n = Math.trunc(Number(e.target.value));
          if (Number.isFinite(n)) onChange(Math.min(max, Math.max(min, n)));
        }}
      />
    </label>
  );
}

const UNITS = [["second", "seconds"], ["minute", "minutes"], ["hour", "hours"], ["day", "days"], ["week", "weeks"]] as const;

export function WindowField({ label, value, onChange }: { label: string; value: ConversionWindow; onChange(v: ConversionWindow): void }) {
  return (
    <div className="window-field" role="group" aria-label={label}>
      <NumberField label={label} value={value.value} min={1} max={100_000} onChange={(n) => onChange({ ...value, value: n })} />
      <Select label={<span className="sr-only">{`${label} unit`}</span>} value={value.unit} options={UNITS} onChange={(unit) => onChange({ ...value, unit })} />
    </div>
  );
}

const PRESETS = [["-24h", "Last 24 hours"], ["-7d", "Last 7 days"], ["-14d", "Last 14 days"], ["-30d", "Last 30 days"], ["-90d", "Last 90 days"], ["-12m", "Last 12 months"]] as const;

/** A preset relative range, or custom from/to (relative like -3w, or ISO dates). */
export function DateRangeField({ value, onChange }: { value: DateRange; onChange(v: DateRange): void }) {
  const preset = !value.to && PRESETS.some(([p]) => p === value.from) ? value.from : "custom";
  return (
    <div className="cluster builder-row">
      <Select
        label="Date range"
        value={preset}
        options={[...PRESETS, ["custom", "Custom…"] as const]}
        onChange={(v) => onChange(v === "custom" ? { from: value.from, to: value.to ?? new Date().toISOString().slice(0, 10) } : { from: v })}
      />
      {preset === "custom" ? (
        <>
          <label className="field">
            <span>From</span>
            <input value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} placeholder="2026-01-01 or -4w" />
          </label>
          <label className="field">
            <span>To</span>
            <input value={value.to ?? ""} onChange={(e) => onChange({ ...value, to: e.target.value || undefined })} placeholder="now" />
          </label>
        </>
      ) : null}
    </div>
  );
}

type BreakdownChoice = "none" | "event" | "person" | "cohort" | "day_of_week" | "hour_of_day";
const BREAKDOWNS = [
  ["none", "No breakdown"], ["event", "Event property"], ["person", "Person property"], ["cohort", "Cohorts"], ["day_of_week", "Day of week"], ["hour_of_day", "Hour of day"],
] as const;

function CohortChoice({ ids, onChange }: { ids: string[]; onChange(ids: string[]): void }) {
  const cohorts = useCohorts();
  if (cohorts.length === 0) return <span className="muted">No cohorts in this project yet.</span>;
  return (
    <fieldset className="cluster cohort-choice">
      <legend className="sr-only">Cohorts to break down by</legend>
      {cohorts.map((c) => (
        <label key={c.id} className="field field-check">
          <input
            type="checkbox"
            checked={ids.includes(c.id)}
            onChange={(e) => onChange(e.target.checked ? [...ids, c.id] : ids.filter((x) => x !== c.id))}
          />
          <span>{c.name}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Breakdown by an event or person property (top N + other), or by day of week / hour. */
export function BreakdownField({ value, event, onChange }: { value: Breakdown | undefined; event?: string; onChange(v: Breakdown | undefined): void }) {
  const choice: BreakdownChoice = value?.type ?? "none";
  const keyed = value && (value.type === "event" || value.type === "person") ? value : null;
  const keys = usePropertyKeys(keyed?.type ?? "event", event);
  const listId = useId();
  return (
    <div className="cluster builder-row">
      <Select
        label="Breakdown"
        value={choice}
        options={BREAKDOWNS}
        onChange={(c) =>
          onChange(
            c === "none" ? undefined
            : c === "event" || c === "person" ? { type: c, key: keyed?.key ?? "", limit: keyed?.limit ?? 10 }
            : c === "cohort" ? { type: c, cohortIds: value?.type === "cohort" ? value.cohortIds : [] }
            : { type: c },
          )
        }
      />
      {value?.type === "cohort" ? <CohortChoice ids={value.cohortIds} onChange={(cohortIds) => onChange({ type: "cohort", cohortIds })} /> : null}
      {keyed ? (
        <>
          <label className="field">
            <span>Breakdown property</span>
            <input list={listId} value={keyed.key} onChange={(e) => onChange({ ...keyed, key: e.target.value })} />
            <datalist id={listId}>
              {keys.map((k) => (
                <option key={k.key} value={k.key} />
              ))}
            </datalist>
          </label>
          <NumberField label="Top values" value={keyed.limit} min={1} max={100} onChange={(limit) => onChange({ ...keyed, limit })} />
        </>
      ) : null}
    </div>
  );
}
