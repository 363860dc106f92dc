import { Form, useLocation, useNavigate } from "@remix-run/react";
import { useState } from "react";
import { useHydrated } from "~/lib/use-hydrated";
import { DateRangeField } from "./controls";
import { defaultQuery, INSIGHT_KINDS, KIND_LABELS, normalized, queryHref, type InsightKind, type InsightQuery } from "./draft";
import { FilterList } from "./FilterList";
import { FunnelEditor } from "./FunnelEditor";
import { LifecycleEditor, PathsEditor, RetentionEditor, RevenueEditor, StickinessEditor } from "./OtherEditors";
import { TrendsEditor } from "./TrendsEditor";

function KindEditor({ query, events, onChange }: { query: InsightQuery; events: string[]; onChange(q: InsightQuery): void }) {
  switch (query.kind) {
    case "trends":
      return <TrendsEditor query={query} events={events} onChange={onChange} />;
    case "funnels":
      return <FunnelEditor query={query} events={events} onChange={onChange} />;
    case "retention":
      return <RetentionEditor query={query} events={events} onChange={onChange} />;
    case "paths":
      return <PathsEditor query={query} events={events} onChange={onChange} />;
    case "lifecycle":
      return <LifecycleEditor query={query} events={events} onChange={onChange} />;
    case "stickiness":
      return <StickinessEditor query={query} events={events} onChange={onChange} />;
    case "revenue":
      return <RevenueEditor query={query} events={events} onChange={onChange} />;
  }
}

/**
 * The query builder. Running puts the query in the address (`?q=`) and the page's loader runs it,
 * so a result can be linked and reloaded. Without JavaScript the query JSON field still works.
 * Give it a `key` that changes with the query it starts from.
 */
export function InsightBuilder({ initial, initialText, events }: { initial: InsightQuery | null; initialText?: string; events: string[] }) {
  const hydrated = useHydrated();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [query, setQuery] = useState<InsightQuery>(() => initial ?? defaultQuery("trends", events));
  const [json, setJson] = useState(() => initialText ?? JSON.stringify(initial ?? query, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);

  const update = (q: InsightQuery) => {
    setQuery(q);
    setJson(JSON.stringify(q, null, 2));
    setJsonError(null);
  };
  const switchKind = (kind: InsightKind) => {
    if (kind === query.kind) return;
    const next = defaultQuery(kind, events);
    update({ ...next, dateRange: query.dateRange, filters: query.filters, excludeTestAccounts: query.excludeTestAccounts } as InsightQuery);
  };
  const editJson = (text: string) => {
    setJson(text);
    try {
      const q = normalized(JSON.parse(text));
      if (q) setQuery(q);
      setJsonError(q ? null : "This JSON is not a complete query yet; Run shows what is wrong.");
    } catch {
      setJsonError("Not valid JSON yet.");
    }
  };

  return (
    <Form
      method="get"
      action={pathname}
      className="insight-builder stack"
      onSubmit={(e) => {
        e.preventDefault();
        // Edited JSON goes as typed, so the answer names what is wrong with it.
        const typed = safeJson(json);
        navigate(typed === undefined ? queryHref(pathname, query) : `${pathname}?q=${encodeURIComponent(JSON.stringify(typed))}`);
      }}
    >
      <div className="kind-tabs" role="group" aria-label="Insight kind">
        {INSIGHT_KINDS.map((k) => (
          <button key={k} type="button" className={`kind-tab${k === query.kind ? " is-active" : ""}`} aria-pressed={k === query.kind} onClick={() => switchKind(k)} disabled={!hydrated}>
            {KIND_LABELS[k]}
          </button>
        ))}
      </div>
      {hydrated ? (
        <>
          <KindEditor query={query} events={events} onChange={update} />
          <DateRangeField value={query.dateRange} onChange={(dateRange) => update({ ...query, dateRange })} />
          <FilterList filters={query.filters} onChange={(filters) => update({ ...query, filters })} />
          <label className="field field-check">
            <input type="checkbox" checked={query.excludeTestAccounts} onChange={(e) => update({ ...query, excludeTestAccounts: e.target.checked })} />
            <span>Exclude test accounts</span>
          </label>
        </>
      ) : (
        <p className="muted">The builder needs JavaScript; you can still edit the query as JSON below and run it.</p>
      )}
      <details className="query-json" open={!hydrated}>
        <summary>Query as JSON</summary>
        <label className="field">
          <span className="sr-only">Query JSON</span>
          <textarea name="q" rows={12} spellCheck={false} value={json} onChange={(e) => editJson(e.target.value)} />
        </label>
        {jsonError ? <small className="field-hint">{jsonError}</small> : null}
      </details>
      <div className="cluster">
        <button type="submit" className="btn btn-primary">
          Run
        </button>
      </div>
    </Form>
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
