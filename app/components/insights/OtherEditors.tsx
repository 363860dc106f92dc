import { revenueDimension } from "../../../server/query/schema/revenue";
import type { QueryOf } from "./draft";
import { BreakdownField, EventSelect, NumberField, Select } from "./controls";
import { FilterList } from "./FilterList";

type Props<K extends "retention" | "paths" | "lifecycle" | "stickiness" | "revenue"> = { query: QueryOf<K>; events: string[]; onChange(q: QueryOf<K>): void };

export function RetentionEditor({ query, events, onChange }: Props<"retention">) {
  return (
    <div className="stack">
      <div className="cluster builder-row">
        <EventSelect label="Cohort event" value={query.targetEvent.event} events={events} onChange={(event) => onChange({ ...query, targetEvent: { ...query.targetEvent, event } })} />
        <EventSelect label="Returning event" value={query.returnEvent.event} events={events} onChange={(event) => onChange({ ...query, returnEvent: { ...query.returnEvent, event } })} />
      </div>
      <FilterList label="Cohort event filter" filters={query.targetEvent.filters} event={query.targetEvent.event} onChange={(filters) => onChange({ ...query, targetEvent: { ...query.targetEvent, filters } })} />
      <div className="cluster builder-row">
        <Select label="Cohorts" value={query.retentionType} options={[["first_time", "First time"], ["recurring", "Recurring"]]} onChange={(retentionType) => onChange({ ...query, retentionType })} />
        <Select label="Period" value={query.period} options={[["day", "Day"], ["week", "Week"], ["month", "Month"]]} onChange={(period) => onChange({ ...query, period })} />
        <NumberField label="Periods" value={query.periods} min={1} max={60} onChange={(periods) => onChange({ ...query, periods })} />
      </div>
      <BreakdownField value={query.breakdown} event={query.targetEvent.event} onChange={(breakdown) => onChange({ ...query, breakdown })} />
    </div>
  );
}

export function PathsEditor({ query, events, onChange }: Props<"paths">) {
  const anchor = (which: "startEvent" | "endEvent", label: string) => (
    <div className="cluster builder-row">
      <label className="field field-check">
        <input type="checkbox" checked={!!query[which]} onChange={(e) => onChange({ ...query, [which]: e.target.checked ? { event: events[0] ?? "$pageview", filters: [] } : undefined })} />
        <span>{label}</span>
      </label>
      {query[which] ? (
        <EventSelect label={`${label} event`} value={query[which]!.event} events={events} allowAll={false} onChange={(event) => onChange({ ...query, [which]: { ...query[which]!, event } })} />
      ) : null}
    </div>
  );
  return (
    <div className="stack">
      <div className="cluster builder-row">
        <Select label="Nodes are" value={query.pathType} options={[["event", "Event names"], ["pageview", "Page paths ($pageview)"]]} onChange={(pathType) => onChange({ ...query, pathType })} />
        <NumberField label="Steps" value={query.steps} min={2} max={10} onChange={(steps) => onChange({ ...query, steps })} />
        <NumberField label="Nodes per step" value={query.nodesPerStep} min={1} max={50} onChange={(nodesPerStep) => onChange({ ...query, nodesPerStep })} />
        <NumberField label="Session gap (minutes)" value={query.sessionGapMinutes} min={1} max={1440} onChange={(sessionGapMinutes) => onChange({ ...query, sessionGapMinutes })} />
      </div>
      {anchor("startEvent", "Starting at")}
      {anchor("endEvent", "Ending at")}
    </div>
  );
}

export function LifecycleEditor({ query, events, onChange }: Props<"lifecycle">) {
  return (
    <div className="stack">
      <div className="cluster builder-row">
        <EventSelect label="Event" value={query.event.event} events={events} onChange={(event) => onChange({ ...query, event: { ...query.event, event } })} />
        <Select label="Interval" value={query.interval} options={[["day", "Day"], ["week", "Week"], ["month", "Month"]]} onChange={(interval) => onChange({ ...query, interval })} />
      </div>
      <FilterList label="Event filter" filters={query.event.filters} event={query.event.event} onChange={(filters) => onChange({ ...query, event: { ...query.event, filters } })} />
    </div>
  );
}

export function StickinessEditor({ query, events, onChange }: Props<"stickiness">) {
  return (
    <div className="stack">
      <div className="cluster builder-row">
        <EventSelect label="Event" value={query.event.event} events={events} onChange={(event) => onChange({ ...query, event: { ...query.event, event } })} />
        <Select label="Days active per" value={query.period} options={[["week", "Week"], ["month", "Month"]]} onChange={(period) => onChange({ ...query, period })} />
      </div>
      <FilterList label="Event filter" filters={query.event.filters} event={query.event.event} onChange={(filters) => onChange({ ...query, event: { ...query.event, filters } })} />
    </div>
  );
}

const REPORTS = [
  ["overview", "Overview: revenue, commission, bookings, ABV, ARPU"], ["by_dimension", "By dimension"], ["search_to_booking", "Search to booking"],
  ["ltv_by_cohort", "LTV by acquisition cohort"], ["top_routes", "Top routes"], ["peak_hours", "Peak booking hours"], ["device_share", "Device share"], ["browser_share", "Browser share"],
] as const;

export function RevenueEditor({ query, onChange }: Props<"revenue">) {
  return (
    <div className="cluster builder-row">
      <Select label="Report" value={query.report} options={REPORTS} onChange={(report) => onChange({ ...query, report, dimension: report === "by_dimension" ? (query.dimension ?? "provider") : query.dimension })} />
      <Select label="Interval" value={query.interval} options={[["hour", "Hour"], ["day", "Day"], ["week", "Week"], ["month", "Month"]]} onChange={(interval) => onChange({ ...query, interval })} />
      {query.report === "by_dimension" ? (
        <Select label="Dimension" value={query.dimension ?? "provider"} options={revenueDimension.options.map((d) => [d, d] as const)} onChange={(dimension) => onChange({ ...query, dimension })} />
      ) : null}
      {query.report === "ltv_by_cohort" ? (
        <NumberField label="Weeks" value={query.weeks} min={1} max={104} onChange={(weeks) => onChange({ ...query, weeks })} />
      ) : (
        <NumberField label="Rows" value={query.limit} min={1} max={100} onChange={(limit) => onChange({ ...query, limit })} />
      )}
    </div>
  );
}
