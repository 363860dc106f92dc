import { formatUptime } from "~/lib/format";
import { StatusBadge } from "./Badge";

export interface HealthData {
  status: "ok" | "degraded";
  database: { ok: boolean; latencyMs: number | null; error?: string };
  uptimeSeconds: number;
  version: string;
}

export function HealthSummary({ health }: { health: HealthData }) {
  return (
    <dl className="kv">
      <div>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={health.status} label={health.status === "ok" ? "Healthy" : "Degraded"} />
        </dd>
      </div>
      <div>
        <dt>Database</dt>
        <dd>
          {health.database.ok ? (
            <>
              <StatusBadge status="ok" label="Up" /> <span className="muted">{health.database.latencyMs} ms</span>
            </>
          ) : (
            <>
              <StatusBadge status="failed" label="Down" />
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Uptime</dt>
        <dd>{formatUptime(health.uptimeSeconds)}</dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>
          <code>{health.version}</code>
        </dd>
      </div>
    </dl>
  );
}
