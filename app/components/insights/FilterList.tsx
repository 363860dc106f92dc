import { useId } from "react";
import type { CohortFilter, Filter, FilterGroup, PropertyFilter } from "../../../server/query/schema/common";
import { Select } from "./controls";
import { useCohorts, usePropertyKeys, usePropertyValues } from "./use-definitions";

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

function FilterRow({ filter, event, onChange, onRemove, n, toCohort }: { filter: PropertyFilter; event?: string; onChange(f: PropertyFilter): void; onRemove(): void; n: string; toCohort(): void }) {
  const keys = usePropertyKeys(filter.type, event);
  const values = usePropertyValues(filter.type, filter.key, event);
  const numeric = keys.find((k) => k.key === filter.key)?.types.includes("number") ?? false;
  const keyList = useId();
  const valueList = useId();
  const text = valueText(filter);
  return (
    <div className="filter-row cluster" role="group" aria-label={`Filter ${n}`}>
      <Select
        label="Of"
        value={filter.type}
        options={[["event", "Event"], ["person", "Person"], ["cohort", "Cohort"]] as const}
        onChange={(type) => (type === "cohort" ? toCohort() : onChange({ ...filter, type }))}
      />
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

function CohortRow({ filter, onChange, onRemove, n, toProperty }: { filter: CohortFilter; onChange(f: CohortFilter): void; onRemove(): void; n: string; toProperty(): void }) {
  const cohorts = useCohorts();
  const options = cohorts.some((c) => c.id === filter.cohortId) ? cohorts : [{ id: filter.cohortId, name: filter.cohortId ? "(unknown cohort)" : "Choose a cohort" }, ...cohorts];
  return (
    <div className="filter-row cluster" role="group" aria-label={`Filter ${n}`}>
      <Select label="Of" value="cohort" options={[["event", "Event"], ["person", "Person"], ["cohort", "Cohort"]]} onChange={(t) => t !== "cohort" && toProperty()} />
      <Select label="Membership" value={filter.negate ? "out" : "in"} options={[["in", "is in"], ["out", "is not in"]]} onChange={(v) => onChange({ ...filter, negate: v === "out" })} />
      <Select label="Cohort" value={filter.cohortId} options={options.map((c) => [c.id, c.name] as const)} onChange={(cohortId) => onChange({ ...filter, cohortId })} />
      <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove} aria-label={`Remove filter ${n}`}>
        Remove
      </button>
    </div>
  );
}

/** Property and cohort filters (ANDed). OR groups are kept as they are and edited as JSON. */
export function FilterList({ filters, event, onChange, label = "Filters" }: { filters: (Filter | FilterGroup)[]; event?: string; onChange(f: (Filter | FilterGroup)[]): void; label?: string }) {
  const groups = filters.filter((f) => "op" in f).length;
  const blank: PropertyFilter = { type: "event", key: "", operator: "equals", value: "" };
  const replace = (i: number, nf: Filter) => onChange(filters.map((x, j) => (j === i ? nf : x)));
  const remove = (i: number) => onChange(filters.filter((_, j) => j !== i));
  return (
    <div className="filter-list stack">
      {filters.map((f, i) =>
        "op" in f ? null : f.type === "cohort" ? (
          <CohortRow key={i} n={`${label} ${i + 1}`} filter={f} onChange={(nf) => replace(i, nf)} onRemove={() => remove(i)} toProperty={() => replace(i, blank)} />
        ) : (
          <FilterRow
            key={i}
            n={`${label} ${i + 1}`}
            filter={f}
            event={event}
            onChange={(nf) => replace(i, nf)}
            onRemove={() => remove(i)}
            toCohort={() => replace(i, { type: "cohort", cohortId: "", negate: false })}
          />
        ),
      )}
      <div className="cluster">
        <button type="button" className="btn btn-sm btn-secondary" onClick={() => onChange([...filters, blank])}>
          + {label === "Filters" ? "Filter" : label}
        </button>
        {groups ? <span className="muted">{groups} OR group(s): edit them in the query JSON.</span> : null}
      </div>
    </div>
  );
}
