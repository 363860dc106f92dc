import { download, exportName, resultCsv, resultJson } from "~/lib/export";
import { useHydrated } from "~/lib/use-hydrated";

/** CSV and JSON downloads of the result, made in the browser from what the page already has. */
export function ExportButtons({ answer, name }: { answer: { kind: string; result: unknown }; name: string }) {
  const hydrated = useHydrated();
  return (
    <div className="cluster export-buttons">
      <button type="button" className="btn btn-sm btn-secondary" disabled={!hydrated} onClick={() => download(exportName(name, "csv"), resultCsv(answer.kind, answer.result), "text/csv")}>
        Export CSV
      </button>
      <button type="button" className="btn btn-sm btn-secondary" disabled={!hydrated} onClick={() => download(exportName(name, "json"), resultJson(answer), "application/json")}>
        Export JSON
      </button>
    </div>
  );
}
