import { useState, type ReactNode } from "react";

/**
 * The flag's rules, variants and payloads, edited in the browser and posted as JSON in a hidden
 * `flag` field; the action passes it to flags.update, whose zod schema (server/flags/schema.ts)
 * checks it, so this form only has to produce the shape.
 */
export type Condition =
  | { type: "person"; key: string; operator: string; value?: unknown }
  | { type: "cohort"; cohortId: string; negate: boolean }
  | { type: "distinct_id"; values: string[] }
  | { type: "environment"; values: string[] };
export type Rule = { conditions: Condition[]; rollout: number; variant: string | null };
export type Variant = { key: string; weight: number };
export interface EditableFlag {
  type: "boolean" | "multivariate";
  rules: Rule[];
  variants: Variant[];
  payloads: Record<string, unknown>;
  environments: string[];
}

const OPERATORS: [string, string][] = [
  ["equals", "equals"], ["not_equals", "is not"], ["contains", "contains"], ["not_contains", "does not contain"],
  ["regex", "matches regex"], ["not_regex", "does not match regex"], ["gt", ">"], ["gte", "≥"], ["lt", "<"], ["lte", "≤"],
  ["between", "between (a, b)"], ["in", "is one of (a, b, …)"], ["not_in", "is none of (a, b, …)"], ["is_set", "is set"], ["is_not_set", "is not set"],
];
const NUMERIC = new Set(["gt", "gte", "lt", "lte"]);

const list = (raw: string) => raw.split(",").map((s) => s.trim()).filter(Boolean);

/** The condition with its value typed as the operator needs. */
function personCondition(key: string, operator: string, raw: string): Condition {
  if (operator === "is_set" || operator === "is_not_set") return { type: "person", key, operator };
  if (NUMERIC.has(operator)) return { type: "person", key, operator, value: raw.trim() === "" ? Number.NaN : Number(raw) };
  if (operator === "between") return { type: "person", key, operator, value: list(raw).map(Number) };
  if (operator === "in" || operator === "not_in") return { type: "person", key, operator, value: list(raw) };
  return { type: "person", key, operator, value: raw };
}

function rawOf(c: Condition & { type: "person" }): string {
  if (c.value === undefined) return "";
  return Array.isArray(c.value) ? c.value.join(", ") : String(c.value);
}

function F({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <label className="field" style={{ minWidth: wide ? 220 : 120 }}>
      <span className="field-label">{label}</span>
      {children}
    </label>
  );
}

function ConditionRow({ c, cohorts, onChange, onRemove, label }: { c: Condition; cohorts: { id: string; name: string }[]; onChange: (c: Condition) => void; onRemove: () => void; label: string }) {
  const switchType = (type: Condition["type"]) =>
    onChange(
      type === "person" ? { type, key: "", operator: "equals", value: "" }
      : type === "cohort" ? { type, cohortId: cohorts[0]?.id ?? "", negate: false }
      : { type, values: [] },
    );
  return (
    <div className="cluster" data-testid="flag-condition" aria-label={label} role="group">
      <F label="Condition">
        <select className="input" value={c.type} onChange={(e) => switchType(e.target.value as Condition["type"])}>
          <option value="person">Person property</option>
          <option value="cohort">In cohort</option>
          <option value="distinct_id">Distinct id is one of</option>
          <option value="environment">Environment is one of</option>
        </select>
      </F>
      {c.type === "person" ? (
        <>
          <F label="Property"><input className="input" value={c.key} onChange={(e) => onChange({ ...c, key: e.target.value })} /></F>
          <F label="Operator">
            <select className="input" value={c.operator} onChange={(e) => onChange(personCondition(c.key, e.target.value, rawOf(c)))}>
              {OPERATORS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </F>
          {c.operator === "is_set" || c.operator === "is_not_set" ? null : (
            <F label="Value"><input className="input" value={rawOf(c)} onChange={(e) => onChange(personCondition(c.key, c.operator, e.target.value))} /></F>
          )}
        </>
      ) : c.type === "cohort" ? (
        <>
          <F label="Cohort" wide>
            <select className="input" value={c.cohortId} onChange={(e) => onChange({ ...c, cohortId: e.target.value })}>
              <option value="">Choose a cohort</option>
              {cohorts.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
            </select>
          </F>
          <label className="cluster"><input type="checkbox" checked={c.negate} onChange={(e) => onChange({ ...c, negate: e.target.checked })} /> not in it</label>
        </>
      ) : (
        <F label={c.type === "distinct_id" ? "Distinct ids (comma separated)" : "Environments (comma separated)"} wide>
          <input className="input" defaultValue={c.values.join(", ")} onChange={(e) => onChange({ ...c, values: list(e.target.value) })} />
        </F>
      )}
      <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove} aria-label={`Remove ${label.toLowerCase()}`}>Remove</button>
    </div>
  );
}

function RuleCard({ rule, index, flag, cohorts, onChange, onRemove, onMove }: {
  rule: Rule; index: number; flag: EditableFlag; cohorts: { id: string; name: string }[];
  onChange: (r: Rule) => void; onRemove: () => void; onMove: (by: -1 | 1) => void;
}) {
  const setCondition = (i: number, c: Condition) => onChange({ ...rule, conditions: rule.conditions.map((x, j) => (j === i ? c : x)) });
  return (
    <fieldset className="card stack" data-testid="flag-rule" style={{ padding: "1rem" }}>
      <legend className="field-label">Rule {index + 1}{rule.conditions.length === 0 ? " · everyone" : ""}</legend>
      {rule.conditions.map((c, i) => (
        <ConditionRow key={i} c={c} cohorts={cohorts} label={`Rule ${index + 1} condition ${i + 1}`} onChange={(n) => setCondition(i, n)} onRemove={() => onChange({ ...rule, conditions: rule.conditions.filter((_, j) => j !== i) })} />
      ))}
      <div className="cluster">
        <button type="button" className="btn btn-sm" onClick={() => onChange({ ...rule, conditions: [...rule.conditions, { type: "person", key: "", operator: "equals", value: "" }] })}>
          Add condition
        </button>
      </div>
      <label className="field">
        <span className="field-label">Rollout: <output data-testid="rollout-value">{rule.rollout}%</output> of the people matching</span>
        <input type="range" min={0} max={100} step={1} value={rule.rollout} aria-label={`Rule ${index + 1} rollout percent`} onChange={(e) => onChange({ ...rule, rollout: Number(e.target.value) })} />
      </label>
      {flag.type === "multivariate" ? (
        <F label="Variant for this rule">
          <select className="input" value={rule.variant ?? ""} onChange={(e) => onChange({ ...rule, variant: e.target.value || null })}>
            <option value="">By weights</option>
            {flag.variants.map((v) => <option key={v.key} value={v.key}>{v.key}</option>)}
          </select>
        </F>
      ) : null}
      <div className="cluster">
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => onMove(-1)} disabled={index === 0}>Move up</button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => onMove(1)}>Move down</button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove}>Remove rule</button>
      </div>
    </fieldset>
  );
}

export function FlagEditor({ initial, cohorts }: { initial: EditableFlag; cohorts: { id: string; name: string }[] }) {
  const [flag, setFlag] = useState<EditableFlag>(initial);
  const [payloadText, setPayloadText] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(initial.payloads).map(([k, v]) => [k, JSON.stringify(v)])),
  );
  const payloadKeys = flag.type === "boolean" ? ["true"] : flag.variants.map((v) => v.key);
  const payloads: Record<string, unknown> = {};
  const payloadErrors: Record<string, string> = {};
  for (const k of payloadKeys) {
    const raw = payloadText[k]?.trim();
    if (!raw) continue;
    try {
      payloads[k] = JSON.parse(raw);
    } catch {
      payloadErrors[k] = "not JSON";
    }
  }
  const sum = flag.variants.reduce((s, v) => s + v.weight, 0);
  const setRules = (rules: Rule[]) => setFlag({ ...flag, rules });
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= flag.rules.length) return;
    const rules = [...flag.rules];
    [rules[i], rules[j]] = [rules[j]!, rules[i]!];
    setRules(rules);
  };
  return (
    <div className="stack">
      <input type="hidden" name="flag" value={JSON.stringify({ ...flag, payloads })} />
      <F label="Type">
        <select className="input" name="type-choice" value={flag.type} onChange={(e) => {
          const type = e.target.value as EditableFlag["type"];
          setFlag({ ...flag, type, variants: type === "multivariate" && flag.variants.length < 2 ? [{ key: "control", weight: 50 }, { key: "test", weight: 50 }] : type === "boolean" ? [] : flag.variants, rules: flag.rules.map((r) => ({ ...r, variant: null })) });
        }}>
          <option value="boolean">Boolean (on / off)</option>
          <option value="multivariate">Multivariate (variants)</option>
        </select>
      </F>
      <h3>Rules <small className="muted">first match decides</small></h3>
      {flag.rules.length === 0 ? <p className="muted">No rules: the flag is off for everyone.</p> : null}
      {flag.rules.map((r, i) => (
        <RuleCard key={i} rule={r} index={i} flag={flag} cohorts={cohorts}
          onChange={(n) => setRules(flag.rules.map((x, j) => (j === i ? n : x)))}
          onRemove={() => setRules(flag.rules.filter((_, j) => j !== i))}
          onMove={(by) => move(i, by)} />
      ))}
      <div className="cluster">
        <button type="button" className="btn btn-sm" onClick={() => setRules([...flag.rules, { conditions: [], rollout: 100, variant: null }])}>Add rule</button>
      </div>
      {flag.type === "multivariate" ? (
        <div className="stack">
          <h3>Variants <small className={Math.abs(sum - 100) < 1e-9 ? "muted" : "text-danger"}>weights add up to {sum}%</small></h3>
          {flag.variants.map((v, i) => (
            <div className="cluster" key={i} data-testid="flag-variant">
              <F label="Variant key"><input className="input" value={v.key} onChange={(e) => setFlag({ ...flag, variants: flag.variants.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)) })} /></F>
              <F label="Weight %"><input className="input" type="number" min={0} max={100} value={v.weight} onChange={(e) => setFlag({ ...flag, variants: flag.variants.map((x, j) => (j === i ? { ...x, weight: Number(e.target.value) } : x)) })} /></F>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setFlag({ ...flag, variants: flag.variants.filter((_, j) => j !== i) })}>Remove</button>
            </div>
          ))}
          <div className="cluster">
            <button type="button" className="btn btn-sm" onClick={() => setFlag({ ...flag, variants: [...flag.variants, { key: `variant-${flag.variants.length + 1}`, weight: 0 }] })}>Add variant</button>
          </div>
        </div>
      ) : null}
      <h3>Payloads <small className="muted">JSON returned with the flag, optional</small></h3>
      {payloadKeys.map((k) => (
        <label className="field" key={k}>
          <span className="field-label">Payload for {k === "true" ? "on" : k}</span>
          <textarea className="input" rows={2} value={payloadText[k] ?? ""} onChange={(e) => setPayloadText({ ...payloadText, [k]: e.target.value })} />
          {payloadErrors[k] ? <span className="field-error" role="alert">{payloadErrors[k]}</span> : null}
        </label>
      ))}
      <F label="Only in environments (comma separated; empty: all)" wide>
        <input className="input" defaultValue={flag.environments.join(", ")} onChange={(e) => setFlag({ ...flag, environments: list(e.target.value) })} />
      </F>
    </div>
  );
}
