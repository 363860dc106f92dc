import { useState, type ReactNode } from "react";

/**
 * The rule tree of a dynamic cohort, edited in the browser and posted as JSON in a hidden
 * `definition` field; the action validates it with the same zod schema the API uses
 * (server/query/cohorts/schema.ts), so this form only has to produce the shape.
 */
export type Rule =
  | { type: "property"; filter: { type: "person"; key: string; operator: string; value?: unknown } }
  | { type: "behavior"; event: string; operator: "at_least" | "at_most" | "exactly"; count: number; days: number; filters: EventFilter[] }
  | { type: "not_performed"; event: string; days: number; filters: EventFilter[] }
  | { type: "first_seen"; dateRange: { from: string; to?: string } }
  | { type: "cohort"; cohortId: string; negate: boolean }
  | Group;
export type Group = { type: "group"; op: "and" | "or"; rules: Rule[] };
type EventFilter = { type: "event"; key: string; operator: "equals"; value: string };

const MAX_DEPTH = 5;
const today = () => new Date().toISOString().slice(0, 10);

const blank: Record<Rule["type"], () => Rule> = {
  property: () => ({ type: "property", filter: { type: "person", key: "", operator: "equals", value: "" } }),
  behavior: () => ({ type: "behavior", event: "", operator: "at_least", count: 1, days: 30, filters: [] }),
  not_performed: () => ({ type: "not_performed", event: "", days: 30, filters: [] }),
  first_seen: () => ({ type: "first_seen", dateRange: { from: "-30d" } }),
  cohort: () => ({ type: "cohort", cohortId: "", negate: false }),
  group: () => ({ type: "group", op: "and", rules: [blank.property()] }),
};

const TYPE_LABELS: Record<Rule["type"], string> = {
  property: "Person property",
  behavior: "Did an event N times",
  not_performed: "Did not do an event",
  first_seen: "First seen in",
  cohort: "In another cohort",
  group: "Group (AND / OR)",
};

const PROPERTY_OPERATORS: [string, string][] = [
  ["equals", "equals"],
  ["not_equals", "is not"],
  ["contains", "contains"],
  ["not_contains", "does not contain"],
  ["regex", "matches regex"],
  ["gt", ">"],
  ["lt", "<"],
  ["is_set", "is set"],
  ["is_not_set", "is not set"],
];

/** The property filter with its value typed as the operator needs (numbers for > and <, none for is set). */
function propertyFilter(key: string, operator: string, raw: string): Rule & { type: "property" } {
  if (operator === "is_set" || operator === "is_not_set") return { type: "property", filter: { type: "person", key, operator } };
  const value = operator === "gt" || operator === "lt" ? (raw.trim() === "" ? Number.NaN : Number(raw)) : raw;
  return { type: "property", filter: { type: "person", key, operator, value } };
}

/** A labelled control in a builder row (the visible label names the control). */
function F({ label, narrow, children }: { label: string; narrow?: boolean; children: ReactNode }) {
  return (
    <label className={narrow ? "field field-number" : "field"}>
      <span>{label}</span>
      {children}
    </label>
  );
}

export function CohortRuleBuilder({ initial, cohorts }: { initial?: Group; cohorts: { id: string; name: string }[] }) {
  const [root, setRoot] = useState<Group>(initial ?? { type: "group", op: "and", rules: [blank.behavior()] });
  return (
    <div className="stack">
      <input type="hidden" name="definition" value={JSON.stringify(root)} />
      <GroupEditor group={root} depth={1} cohorts={cohorts} onChange={setRoot} />
    </div>
  );
}

function GroupEditor({ group, depth, cohorts, onChange, onRemove }: {
  group: Group;
  depth: number;
  cohorts: { id: string; name: string }[];
  onChange: (g: Group) => void;
  onRemove?: () => void;
}) {
  const set = (i: number, r: Rule) => onChange({ ...group, rules: group.rules.map((x, j) => (j === i ? r : x)) });
  const remove = (i: number) => onChange({ ...group, rules: group.rules.filter((_, j) => j !== i) });
  return (
    <div className="builder-step" role="group" aria-label={depth === 1 ? "Rules" : `Nested group (level ${depth})`} data-testid="rule-group">
      <div className="cluster builder-row">
        <F label="Match">
          <select value={group.op} onChange={(e) => onChange({ ...group, op: e.target.value as Group["op"] })}>
            <option value="and">all of these (AND)</option>
            <option value="or">any of these (OR)</option>
          </select>
        </F>
        {onRemove ? <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove}>Remove group</button> : null}
      </div>
      {group.rules.map((rule, i) =>
        rule.type === "group" ? (
          <GroupEditor key={i} group={rule} depth={depth + 1} cohorts={cohorts} onChange={(g) => set(i, g)} onRemove={() => remove(i)} />
        ) : (
          <RuleEditor key={i} rule={rule} cohorts={cohorts} onChange={(r) => set(i, r)} onRemove={group.rules.length > 1 ? () => remove(i) : undefined} />
        ),
      )}
      <div className="cluster">
        <F label="Add a rule">
          <select value="" onChange={(e) => e.target.value && onChange({ ...group, rules: [...group.rules, blank[e.target.value as Rule["type"]]()] })}>
            <option value="">Choose…</option>
            {(Object.keys(TYPE_LABELS) as Rule["type"][])
              .filter((t) => t !== "group" || depth < MAX_DEPTH)
              .map((t) => (
                <option key={t} value={t}>{TYPE_LABELS[t]}</option>
              ))}
          </select>
        </F>
      </div>
    </div>
  );
}

function RuleEditor({ rule, cohorts, onChange, onRemove }: {
  rule: Exclude<Rule, Group>;
  cohorts: { id: string; name: string }[];
  onChange: (r: Rule) => void;
  onRemove?: () => void;
}) {
  return (
    <div className="builder-row cluster" data-testid="rule">
      <F label="Rule type">
        <select value={rule.type} onChange={(e) => onChange(blank[e.target.value as Rule["type"]]())}>
          {(Object.keys(TYPE_LABELS) as Rule["type"][]).filter((t) => t !== "group").map((t) => (
            <option key={t} value={t}>{TYPE_LABELS[t]}</option>
          ))}
        </select>
      </F>
      <RuleFields rule={rule} cohorts={cohorts} onChange={onChange} />
      {onRemove ? <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove}>Remove rule</button> : null}
    </div>
  );
}

function RuleFields({ rule, cohorts, onChange }: { rule: Exclude<Rule, Group>; cohorts: { id: string; name: string }[]; onChange: (r: Rule) => void }) {
  switch (rule.type) {
    case "property": {
      const f = rule.filter;
      const raw = f.value === undefined || Number.isNaN(f.value) ? "" : String(f.value);
      return (
        <>
          <F label="Property"><input placeholder="e.g. plan" value={f.key} onChange={(e) => onChange(propertyFilter(e.target.value, f.operator, raw))} /></F>
          <F label="Operator">
            <select value={f.operator} onChange={(e) => onChange(propertyFilter(f.key, e.target.value, raw))}>
              {PROPERTY_OPERATORS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </F>
          {f.operator === "is_set" || f.operator === "is_not_set" ? null : (
            <F label="Value"><input value={raw} onChange={(e) => onChange(propertyFilter(f.key, f.operator, e.target.value))} /></F>
          )}
        </>
      );
    }
    case "behavior":
    case "not_performed": {
      const where = rule.filters[0];
      const setWhere = (key: string, value: string) => onChange({ ...rule, filters: key ? [{ type: "event", key, operator: "equals", value }] : [] });
      return (
        <>
          <F label="Event"><input placeholder="e.g. search" value={rule.event} onChange={(e) => onChange({ ...rule, event: e.target.value })} /></F>
          {rule.type === "behavior" ? (
            <>
              <F label="How often">
                <select value={rule.operator} onChange={(e) => onChange({ ...rule, operator: e.target.value as typeof rule.operator })}>
                  <option value="at_least">at least</option>
                  <option value="at_most">at most</option>
                  <option value="exactly">exactly</option>
                </select>
              </F>
              <F label="Times" narrow><input type="number" min={0} value={rule.count} onChange={(e) => onChange({ ...rule, count: Number(e.target.value) })} /></F>
            </>
          ) : null}
          <F label="In the last N days" narrow><input type="number" min={1} value={rule.days} onChange={(e) => onChange({ ...rule, days: Number(e.target.value) })} /></F>
          <F label="Where event property"><input placeholder="optional" value={where?.key ?? ""} onChange={(e) => setWhere(e.target.value, where?.value ?? "")} /></F>
          <F label="Equals"><input value={where?.value ?? ""} disabled={!where} onChange={(e) => setWhere(where?.key ?? "", e.target.value)} /></F>
        </>
      );
    }
    case "first_seen":
      return (
        <>
          <F label="First seen from"><input placeholder="-30d or 2026-01-01" value={rule.dateRange.from} onChange={(e) => onChange({ type: "first_seen", dateRange: { ...rule.dateRange, from: e.target.value } })} /></F>
          <F label="To">
            <input
              placeholder={`now, or ${today()}`}
              value={rule.dateRange.to ?? ""}
              onChange={(e) => onChange({ type: "first_seen", dateRange: e.target.value ? { ...rule.dateRange, to: e.target.value } : { from: rule.dateRange.from } })}
            />
          </F>
        </>
      );
    case "cohort":
      return (
        <>
          <F label="Membership">
            <select value={rule.negate ? "not" : "in"} onChange={(e) => onChange({ ...rule, negate: e.target.value === "not" })}>
              <option value="in">is in</option>
              <option value="not">is not in</option>
            </select>
          </F>
          <F label="Cohort">
            <select value={rule.cohortId} onChange={(e) => onChange({ ...rule, cohortId: e.target.value })}>
              <option value="">Choose a cohort…</option>
              {cohorts.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </F>
        </>
      );
  }
}
