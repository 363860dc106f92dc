import type { ResultTable } from "~/lib/export-table";

const MAX_ROWS = 500;

/** The result table (the same rows as the CSV export), capped for the page. */
export function TableView({ table }: { table: ResultTable }) {
  if (table.rows.length === 0) return <p className="muted">No rows.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact result-table">
        <thead>
          <tr>
            {table.columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.slice(0, MAX_ROWS).map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={typeof c === "number" ? "num" : undefined}>
                  {c ?? ""}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.rows.length > MAX_ROWS ? <p className="muted">Showing {MAX_ROWS} of {table.rows.length} rows; the CSV has them all.</p> : null}
    </div>
  );
}
