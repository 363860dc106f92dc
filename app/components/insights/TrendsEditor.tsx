import { PROPERTY_MATHS, type TrendsMath } from "../../../server/query/schema/trends";
import type { QueryOf } from "./draft";
import { BreakdownField, EventSelect, Select } from "./controls";
import { FilterList } from "./FilterList";
import { usePropertyKeys } from "./use-definitions";

type Q = QueryOf<"trends">;
type Series = Q["series"][number];
const MATHS: readonly (readonly [TrendsMath, string])[] = [
  ["total", "Total count"], ["unique_persons", "Unique persons"], ["sessions", "Sessions"], ["dau", "DAU"], ["wau", "WAU"], ["mau", "MAU"],
  ["sum", "Sum of"], ["avg", "Average of"], ["median", "Median of"], ["p90", "90th percentile of"], ["p99", "99th percentile of"], ["min", "Minimum of"], ["max", "Maximum of"],
];
const INTERVALS = [["minute", "Minute"], ["hour", "Hour"], ["day", "Day"], ["week", "Week"], ["month", "Month"]] as const;
const DISPLAYS = [["line", "Line"], ["bar", "Bar"], ["area", "Area"], ["number", "Number"], ["table", "Table"]] as const;
const LETTERS = "ABCDEFGHIJ";

function SeriesRow({ s, i, events, onChange, onRemove }: { s: Series; i: number; events: string[]; onChange(s: Series): void; onRemove?: () => void }) {
  const keys = usePropertyKeys("event", s.event).filter((k) => k.types.includes("number"));
  return (
    <li className="builder-step">
      <div className="cluster builder-row">
        <span className="series-letter" aria-hidden="true">{LETTERS[i]}</span>
        <EventSelect label={`Series ${LETTERS[i]} event`} value={s.event} events={events} onChange={(event) => onChange({ ...s, event })} />
        <Select label="Measure" value={s.math} options={MATHS} onChange={(math) => onChange({ ...s, math, mathProperty: PROPERTY_MATHS.has(math) ? (s.mathProperty ?? keys[0]?.key ?? "revenue") : undefined })} />
        {PROPERTY_MATHS.has(s.math) ? (
          <Select
            label="Property"
            value={s.mathProperty ?? ""}
            options={[...new Set(["revenue", ...keys.map((k) => k.key), s.mathProperty ?? "revenue"])].map((k) => [k, k] as const)}
            onChange={(mathProperty) => onChange({ ...s, mathProperty })}
          />
        ) : null}
        {onRemove ? <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove} aria-label={`Remove series ${LETTERS[i]}`}>Remove</button> : null}
      </div>
      <FilterList label={`Series ${LETTERS[i]} filter`} filters={s.filters} event={s.event} onChange={(filters) => onChange({ ...s, filters })} />
    </li>
  );
}

/** Series (A, B, ...) with their measure, a formula, interval, display, compare, cumulative, breakdown. */
export function TrendsEditor({ query, events, onChange }: { query: Q; events: string[]; onChange(q: Q): void }) {
  return (
    <div className="stack">
      <ol className="builder-steps">
        {query.series.map((s, i) => (
          <SeriesRow
            key={i}
            s={s}
            i={i}
            events={events}
            onChange={(ns) => onChange({ ...query, series: query.series.map((x, j) => (j === i ? ns : x)) })}
            onRemove={query.series.length > 1 ? () => onChange({ ...query, series: query.series.filter((_, j) => j !== i), formula: undefined }) : undefined}
          />
        ))}
      </ol>
      <div className="cluster">
        {query.series.length < 10 ? (
          <button type="button" className="btn btn-sm btn-secondary" onClick={() => onChange({ ...query, series: [...query.series, { event: events[0] ?? "$pageview", filters: [], math: "total" }] })}>
            + Series
          </button>
        ) : null}
      </div>
      <div className="cluster builder-row">
        {query.series.length > 1 ? (
          <label className="field">
            <span>Formula</span>
            <input value={query.formula ?? ""} placeholder="A/B" onChange={(e) => onChange({ ...query, formula: e.target.value.trim() ? e.target.value : undefined })} />
          </label>
        ) : null}
        <Select label="Interval" value={query.interval} options={INTERVALS} onChange={(interval) => onChange({ ...query, interval })} />
        <Select label="Chart" value={query.display} options={DISPLAYS} onChange={(display) => onChange({ ...query, display })} />
        <label className="field field-check">
          <input type="checkbox" checked={query.compare} onChange={(e) => onChange({ ...query, compare: e.target.checked })} />
          <span>Compare to previous period</span>
        </label>
        <label className="field field-check">
          <input type="checkbox" checked={query.cumulative} onChange={(e) => onChange({ ...query, cumulative: e.target.checked })} />
          <span>Cumulative</span>
        </label>
      </div>
      <BreakdownField value={query.breakdown} event={query.series[0]?.event} onChange={(breakdown) => onChange({ ...query, breakdown })} />
    </div>
  );
}
