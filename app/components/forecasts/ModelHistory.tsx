import { Form } from "@remix-run/react";
import { Badge, StatusBadge } from "../Badge";
import { Time } from "../Time";
import { formatAccuracy } from "./format";

export interface VersionRow {
  id: string;
  version: number;
  status: string;
  active: boolean;
  createdAt: string;
  promotedAt: string | null;
  trainingFrom: string | null;
  trainingTo: string | null;
  backtest: { mase: number | null; smape: number | null };
  live: { n: number; smape: number | null; coverage80: number | null } | null;
  progress: { step: number; of: number; note: string } | null;
  error: string | null;
}

/** Versions of a target, newest first; analysts promote a ready version or roll back the active one. */
export function ModelHistory({ versions, canWrite }: { versions: VersionRow[]; canWrite: boolean }) {
  const canRollback = canWrite && versions.some((v) => v.active) && versions.some((v) => !v.active && v.status === "ready" && v.promotedAt);
  return (
    <div className="stack">
      <div className="table-wrap">
        <table className="table" data-testid="model-history">
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Trained</th>
              <th>Data</th>
              <th>Backtest MASE</th>
              <th>Live sMAPE</th>
              <th>Notes</th>
              {canWrite ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  v{v.version} {v.active ? <Badge tone="success">active</Badge> : null}
                </td>
                <td>
                  <StatusBadge status={v.status === "ready" ? "completed" : v.status === "training" ? "running" : v.status} label={v.status} />
                </td>
                <td>
                  <Time value={v.createdAt} />
                </td>
                <td>{v.trainingFrom && v.trainingTo ? `${v.trainingFrom.slice(0, 10)} to ${v.trainingTo.slice(0, 10)}` : "–"}</td>
                <td>{formatAccuracy(v.backtest.mase, "ratio")}</td>
                <td>{v.live && v.live.n > 0 ? `${formatAccuracy(v.live.smape, "percent")} (${v.live.n})` : "–"}</td>
                <td className="muted">{v.error ?? (v.progress ? `${v.progress.step}/${v.progress.of} ${v.progress.note}` : "")}</td>
                {canWrite ? (
                  <td>
                    {!v.active && v.status === "ready" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="promote" />
                        <input type="hidden" name="versionId" value={v.id} />
                        <button type="submit" className="btn btn-sm btn-secondary">Promote</button>
                      </Form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canRollback ? (
        <Form method="post">
          <input type="hidden" name="intent" value="rollback" />
          <button type="submit" className="btn btn-sm btn-secondary">Roll back to the previous version</button>
        </Form>
      ) : null}
    </div>
  );
}
