import { useId } from "react";
import type { Filter, FilterGroup, PropertyFilter } from "../../../server/query/schema/common";
import { Select } from "./controls";
import { usePropertyKeys, usePropertyValues } from "./use-definitions";

type Operator = PropertyFilter["operator"];
const OPERATORS: readonly (readonly [Operator, string])[] = [
  ["equals", "equals"], ["not_equals", "does not equal"], ["contains", "contains"], ["not_contains", "does not contain"],
  ["regex", "matches regex"], ["not_regex", "does not match regex"], ["gt", ">"], ["gte", "≥"], ["lt", "<"], ["lte", "≤"],
  ["between", "between"], ["in", "is one of"], ["not_in", "is none of"], ["is_set", "is set"], ["is_not_set", "is not set"],
];

/** The value an operator takes, from the text typed: numbers for comparisons, lists for in. */
function withOperator(f: PropertyFilter, operator: Operator, text: string, numeric: boolean): PropertyFilter {
  const base = { type: f.type, key: f.key };
  const num = Number(text);
  switch (operator) {
    case "is_set":
    case "is_not_set":
      return { ...base, operator };
    case "gt": case "gte": case "lt": case "lte":
      return { ...base, operator, value: Number.isFinite(num) ? num : 0 };
    case "between": {
      const [a, b] = text.split(/\s*(?:,|and|–|-(?=\s))\s*/).map(Number);
      return { ...base, operator, value: [Number.isFinite(a) ? a! : 0, Number.isFinite(b) ? b! : 0] };
    }
    case "in": case "not_in": {
      const items = text.split(",").map((s) => s.trim()).filter(Boolean);
      return { ...base, operator, value: items.length ? items : [""] };
    }
    case "equals": case "not_equals":
      return { ...base, operator, value: numeric && text.trim() !== "" && Number.isFinite(num) ? num : text };
    default:
      return { ...base, operator, value: text };
  }
}

function valueText(f: PropertyFilter): string {
  if (!("value" in f)) return "";
  return Array.isArray(f.value) ? f.value.join(", ") : String(f.value);
}

function FilterRow({ filter, event, onChange, onRemove, n }: { filter: PropertyFilter; event?: string; onChange(f: PropertyFilter): void; onRemove(): void; n: string }) {
  const keys = usePropertyKeys(filter.type, event);
  const values = usePropertyValues(filter.type, filter.key, event);
  const numeric = keys.find((k) => k.key === filter.key)?.types.includes("number") ?? false;
  const keyList = useId();
  const valueList = useId();
  const text = valueText(filter);
  return (
    <div className="filter-row cluster" role="group" aria-label={`Filter ${n}`}>
      <Select label="Of" value={filter.type} options={[["event", "Event"], ["person", "Person"]]} onChange={(type) => onChange({ ...filter, type })} />
      <label className="field">
        <span>Property</span>
        <input list={keyList} value={filter.key} onChange={(e) => onChange({ ...filter, key: e.target.value })} required />
        <datalist id={keyList}>{keys.map((k) => <option key={k.key} value={k.key}>{k.types.join(", ")}</option>)}</datalist>
      </label>
      <Select label="Operator" value={filter.operator} options={OPERATORS} onChange={(op) => onChange(withOperator(filter, op, text, numeric))} />
      {filter.operator !== "is_set" && filter.operator !== "is_not_set" ? (
        <label className="field">
          <span>Value</span>
          <input list={valueList} value={text} onChange={(e) => onChange(withOperator(filter, filter.operator, e.target.value, numeric))} />
          <datalist id={valueList}>{values.map((v) => <option key={v} value={v} />)}</datalist>
        </label>
      ) : null}
      <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove} aria-label={`Remove filter ${n}`}>
        Remove
      </button>
    </div>
  );
}

/** Property filters (ANDed). Cohort filters and OR groups are kept as they are and edited as JSON. */
export function FilterList({ filters, event, onChange, label = "Filters" }: { filters: (Filter | FilterGroup)[]; event?: string; onChange(f: (Filter | FilterGroup)[]): void; label?: string }) {
  const advanced = filters.filter((f) => "op" in f || f.type === "cohort").length;
  return (
    <div className="filter-list stack">
      {filters.map((f, i) =>
        "op" in f || f.type === "cohort" ? null : (
          <FilterRow
            key={i}
            n={`${label} ${i + 1}`}
            filter={f}
            event={event}
            onChange={(nf) => onChange(filters.map((x, j) => (j === i ? nf : x)))}
            onRemove={() => onChange(filters.filter((_, j) => j !== i))}
          />
        ),
      )}
      <div className="cluster">
        <button type="button" className="btn btn-sm btn-secondary" onClick={() => onChange([...filters, { type: "event", key: "", operator: "equals", value: "" }])}>
          + {label === "Filters" ? "Filter" : label}
        </button>
        {advanced ? <span className="muted">{advanced} cohort or grouped filter(s): edit them in the query JSON.</span> : null}
      </div>
    </div>
  );
}
