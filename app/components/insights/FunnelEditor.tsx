import type { QueryOf } from "./draft";
import { BreakdownField, EventSelect, Select, WindowField } from "./controls";
import { FilterList } from "./FilterList";

type Q = QueryOf<"funnels">;
const ORDERS = [["ordered", "In order (other events allowed between)"], ["strict", "Strict order (nothing between)"], ["any", "Any order"]] as const;

/** Funnel steps (2 to 20) with per-step filters and windows, the order, the whole-funnel window. */
export function FunnelEditor({ query, events, onChange }: { query: Q; events: string[]; onChange(q: Q): void }) {
  const setStep = (i: number, step: Q["steps"][number]) => onChange({ ...query, steps: query.steps.map((s, j) => (j === i ? step : s)) });
  return (
    <div className="stack">
      <ol className="builder-steps">
        {query.steps.map((step, i) => (
          <li key={i} className="builder-step">
            <div className="cluster builder-row">
              <EventSelect label={`Step ${i + 1} event`} value={step.event} events={events} onChange={(event) => setStep(i, { ...step, event })} />
              {i > 0 ? (
                <label className="field field-check">
                  <input
                    type="checkbox"
                    checked={!!step.window}
                    onChange={(e) => setStep(i, { ...step, window: e.target.checked ? { value: 1, unit: "hour" } : undefined })}
                  />
                  <span>{`Within a time of step ${i}`}</span>
                </label>
              ) : null}
              {i > 0 && step.window ? <WindowField label={`Step ${i + 1} window`} value={step.window} onChange={(window) => setStep(i, { ...step, window })} /> : null}
              {query.steps.length > 2 ? (
                <button
                  type="button"
                  className="btn btn-sm btn-ghost"
                  aria-label={`Remove step ${i + 1}`}
                  onClick={() => onChange({ ...query, steps: query.steps.filter((_, j) => j !== i).map((s, j) => (j === 0 ? { ...s, window: undefined } : s)), exclusions: [] })}
                >
                  Remove
                </button>
              ) : null}
            </div>
            <FilterList label={`Step ${i + 1} filter`} filters={step.filters} event={step.event} onChange={(filters) => setStep(i, { ...step, filters })} />
          </li>
        ))}
      </ol>
      {query.steps.length < 20 ? (
        <div>
          <button
            type="button"
            className="btn btn-sm btn-secondary"
            onClick={() => onChange({ ...query, steps: [...query.steps, { event: query.steps[query.steps.length - 1]?.event ?? events[0] ?? "$pageview", filters: [] }] })}
          >
            + Step
          </button>
        </div>
      ) : null}
      <Exclusions query={query} events={events} onChange={onChange} />
      <div className="cluster builder-row">
        <Select label="Step order" value={query.order} options={ORDERS} onChange={(order) => onChange({ ...query, order })} />
        <WindowField label="Conversion window" value={query.window} onChange={(window) => onChange({ ...query, window })} />
      </div>
      <BreakdownField value={query.breakdown} event={query.steps[0]?.event} onChange={(breakdown) => onChange({ ...query, breakdown })} />
    </div>
  );
}

/** Events that disqualify a person when done between two steps. */
function Exclusions({ query, events, onChange }: { query: Q; events: string[]; onChange(q: Q): void }) {
  const steps = query.steps.map((s, i) => [String(i), `${i + 1}. ${s.event}`] as const);
  const set = (i: number, e: Q["exclusions"][number]) => onChange({ ...query, exclusions: query.exclusions.map((x, j) => (j === i ? e : x)) });
  return (
    <div className="stack">
      {query.exclusions.map((e, i) => (
        <div key={i} className="cluster builder-row" role="group" aria-label={`Exclusion ${i + 1}`}>
          <EventSelect label={`Exclude persons who did`} value={e.event} events={events} allowAll={false} onChange={(event) => set(i, { ...e, event })} />
          <Select label="After step" value={String(e.fromStep)} options={steps.slice(0, -1)} onChange={(v) => set(i, { ...e, fromStep: Number(v), toStep: Math.max(Number(v) + 1, e.toStep) })} />
          <Select label="Before step" value={String(e.toStep)} options={steps.slice(e.fromStep + 1)} onChange={(v) => set(i, { ...e, toStep: Number(v) })} />
          <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove exclusion ${i + 1}`} onClick={() => onChange({ ...query, exclusions: query.exclusions.filter((_, j) => j !== i) })}>
            Remove
          </button>
        </div>
      ))}
      {query.exclusions.length < 10 ? (
        <div>
          <button type="button" className="btn btn-sm btn-secondary" onClick={() => onChange({ ...query, exclusions: [...query.exclusions, { event: events[0] ?? "$pageview", filters: [], fromStep: 0, toStep: 1 }] })}>
            + Exclusion
          </button>
        </div>
      ) : null}
    </div>
  );
}
