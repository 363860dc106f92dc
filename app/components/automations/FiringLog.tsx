import { Badge, type Tone } from "~/components/Badge";
import { EmptyState } from "~/components/EmptyState";
import { Time } from "~/components/Time";

export interface FiringRow {
  id: string;
  personId: string;
  distinctId: string | null;
  dedupKey: string;
  triggeredAt: string;
  dueAt: string;
  status: string;
  attempts: number;
  lastError: string | null;
  firedAt: string | null;
}

const tone: Record<string, Tone> = { sent: "success", pending: "info", skipped: "neutral", failed: "danger" };

/** The automation log: one row per trigger, with what happened to it and why. */
export function FiringLog({ rows }: { rows: FiringRow[] }) {
  if (rows.length === 0) return <EmptyState title="Nothing yet">Firings appear here when new events match the trigger.</EmptyState>;
  return (
    <div className="table-wrap table-wrap-overflow">
      <table className="table" data-testid="firing-log">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Triggered</th>
            <th scope="col">Due / next try</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Sent</th>
            <th scope="col">Error or reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td><code title={r.personId}>{r.distinctId ?? r.personId.slice(0, 8)}</code>{r.dedupKey.startsWith("test:") ? <> <Badge tone="accent">test</Badge></> : null}</td>
              <td><Time value={r.triggeredAt} /></td>
              <td><Time value={r.dueAt} /></td>
              <td><Badge tone={tone[r.status] ?? "neutral"}>{r.status}</Badge></td>
              <td>{r.attempts}</td>
              <td>{r.firedAt ? <Time value={r.firedAt} /> : "—"}</td>
              <td className="muted">{r.lastError ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
