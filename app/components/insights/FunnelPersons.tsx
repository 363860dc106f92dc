import Papa from "papaparse";
import { useState } from "react";
import type { FunnelsQuery } from "../../../server/query/schema/funnels";
import { download, exportName } from "~/lib/export";
import { trpc } from "~/lib/trpc.client";
import { useHydrated } from "~/lib/use-hydrated";
import { Select } from "./controls";

type Person = { id: string; distinctIds: string[]; properties: Record<string, unknown> };
const PAGE = 50;
const EXPORT_MAX = 10_000;

/** The persons who converted at, or dropped off before, a step: paginated, exportable as CSV. */
export function FunnelPersons({ query, labels, breakdownValues }: { query: FunnelsQuery; labels: string[]; breakdownValues: (string | null)[] }) {
  const hydrated = useHydrated();
  const [step, setStep] = useState(String(Math.min(1, labels.length - 1)));
  const [outcome, setOutcome] = useState<"converted" | "dropped">("dropped");
  const [group, setGroup] = useState(0);
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ persons: Person[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!hydrated) return null;

  const input = (o: number, limit: number) => ({ query, step: Number(step), outcome, breakdownValue: query.breakdown ? breakdownValues[group] ?? null : undefined, offset: o, limit });
  const load = async (o: number) => {
    setError(null);
    try {
      setData(await trpc.insights.funnelPersons.query(input(o, PAGE)));
      setOffset(o);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const exportCsv = async () => {
    const rows: Person[] = [];
    for (let o = 0; o < EXPORT_MAX; o += 1000) {
      const page = await trpc.insights.funnelPersons.query(input(o, 1000));
      rows.push(...page.persons);
      if (rows.length >= page.total) break;
    }
    const csv = Papa.unparse(
      { fields: ["person_id", "distinct_ids", "properties"], data: rows.map((p) => [p.id, p.distinctIds.join(" "), JSON.stringify(p.properties)]) },
      { newline: "\n", escapeFormulae: true },
    );
    download(exportName(`funnel-${outcome}-step-${Number(step) + 1}`, "csv"), csv, "text/csv");
  };

  return (
    <details className="funnel-persons">
      <summary>Persons at a step</summary>
      <div className="stack">
        <div className="cluster builder-row">
          <Select label="Step" value={step} options={labels.map((l, i) => [String(i), `${i + 1}. ${l}`] as const)} onChange={setStep} />
          <Select label="Who" value={outcome} options={[["converted", "Reached this step"], ["dropped", "Dropped off before it"]] as const} onChange={(v) => setOutcome(v === "converted" ? "converted" : "dropped")} />
          {query.breakdown ? (
            <Select label="Group" value={String(group)} options={breakdownValues.map((v, i) => [String(i), v ?? "(none)"] as const)} onChange={(v) => setGroup(Number(v))} />
          ) : null}
          <button type="button" className="btn btn-secondary" onClick={() => load(0)}>Show persons</button>
        </div>
        {error ? <p className="alert alert-error" role="alert">{error}</p> : null}
        {data ? (
          <>
            <div className="cluster result-toolbar">
              <span className="muted">{data.total === 0 ? "Nobody." : `${offset + 1}–${offset + data.persons.length} of ${data.total}`}</span>
              <div className="cluster">
                <button type="button" className="btn btn-sm btn-secondary" disabled={offset === 0} onClick={() => load(Math.max(0, offset - PAGE))}>Previous</button>
                <button type="button" className="btn btn-sm btn-secondary" disabled={offset + PAGE >= data.total} onClick={() => load(offset + PAGE)}>Next</button>
                <button type="button" className="btn btn-sm btn-secondary" disabled={data.total === 0} onClick={exportCsv}>Export CSV</button>
              </div>
            </div>
            {data.persons.length ? (
              <div className="table-wrap">
                <table className="table table-compact">
                  <thead>
                    <tr><th scope="col">Distinct ids</th><th scope="col">Properties</th><th scope="col">Person</th></tr>
                  </thead>
                  <tbody>
                    {data.persons.map((p) => (
                      <tr key={p.id}>
                        <td>{p.distinctIds.join(", ")}</td>
                        <td className="cell-sub">{JSON.stringify(p.properties).slice(0, 160)}</td>
                        <td className="cell-sub nowrap">{p.id}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </>
        ) : null}
      </div>
    </details>
  );
}
