import { formatCount } from "~/lib/format";
import { Stat } from "./Card";

export interface Depth {
  installed: boolean;
  ready: number;
  scheduled: number;
  running: number;
  retrying: number;
  failed: number;
}

const labels: [keyof Omit<Depth, "installed">, string, string][] = [
  ["ready", "Ready", "waiting for a worker"],
  ["scheduled", "Scheduled", "due later"],
  ["running", "Running", "locked by a worker"],
  ["retrying", "Retrying", "failed, will retry"],
  ["failed", "Failed", "out of attempts"],
];

export function QueueDepth({ depth }: { depth: Depth }) {
  return (
    <div className="stack">
      {depth.installed ? null : (
        <p className="alert alert-info">The worker has not started yet, so the job queue is empty. Start Foresight with its worker to run jobs.</p>
      )}
      <div className="stat-row">
        {labels.map(([key, label, hint]) => (
          <div key={key} className={`stat-tile${key === "failed" && depth.failed > 0 ? " stat-tile-danger" : ""}`}>
            <Stat label={label} value={formatCount(depth[key])} hint={hint} />
          </div>
        ))}
      </div>
    </div>
  );
}
