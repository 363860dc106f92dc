import { formatDuration } from "~/lib/format";
import { StatusBadge } from "./Badge";
import { EmptyState } from "./EmptyState";
import { Time } from "./Time";

export interface JobRunRow {
  id: string;
  task: string;
  status: string;
  attempt: number;
  startedAt: string;
  durationMs: number | null;
  error: string | null;
}

export function JobRunsTable({ runs, caption, emptyText }: { runs: JobRunRow[]; caption: string; emptyText?: string }) {
  if (runs.length === 0) {
    return <EmptyState title="No job runs yet">{emptyText ?? "Runs appear here once the worker has picked up a job."}</EmptyState>;
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Attempt
            </th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <code>{run.task}</code>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td className="num">{run.attempt}</td>
              <td className="nowrap">
                <Time value={run.startedAt} />
              </td>
              <td className="num">{formatDuration(run.durationMs)}</td>
              <td className="error-cell">{run.error ? <span title={run.error}>{run.error}</span> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
