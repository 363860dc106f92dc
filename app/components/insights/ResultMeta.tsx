import type { QueryMeta } from "../../../server/query/result";
import { Badge } from "../Badge";
import { Time } from "../Time";

const SOURCE: Record<string, string> = { rollup: "from rollups", events: "from raw events", columnar: "from the columnar engine" };

/** Where the answer came from, how fresh the data is, whether it was cached, and the range. */
export function ResultMeta({ meta }: { meta: QueryMeta }) {
  return (
    <div className="result-meta cluster" data-testid="result-meta">
      <Badge tone="info">{SOURCE[meta.source] ?? meta.source}</Badge>
      {meta.cached ? <Badge tone="neutral">cached</Badge> : null}
      <span className="muted">
        Data up to {meta.dataWatermark ? <Time value={meta.dataWatermark} /> : "no events yet"} · {meta.range.from.slice(0, 10)} to {meta.range.to.slice(0, 10)} ({meta.timezone}) ·{" "}
        {Math.round(meta.elapsedMs)} ms
      </span>
    </div>
  );
}
