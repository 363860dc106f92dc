import type { QueryMeta } from "../../../server/query/result";
import type { FunnelsResult } from "../../../server/query/schema/funnels";
import type { LifecycleResult, StickinessResult } from "../../../server/query/schema/lifecycle";
import type { PathsResult } from "../../../server/query/schema/paths";
import type { RetentionResult } from "../../../server/query/schema/retention";
import type { RevenueResult } from "../../../server/query/schema/revenue";
import type { TrendsQuery, TrendsResult } from "../../../server/query/schema/trends";
import { resultTable, type ResultTable } from "~/lib/export-table";
import { BarChart } from "../charts/BarChart";
import { bucketLabel } from "../charts/chart-kit";
import { FunnelChart } from "../charts/FunnelChart";
import { PathsSankey } from "../charts/PathsSankey";
import { RetentionGrid } from "../charts/RetentionGrid";
import { RevenueChart } from "../charts/RevenueChart";
import { TrendsWithForecast } from "../forecasts/TrendsForecastToggle";
import type { InsightQuery } from "./draft";
import { ExportButtons } from "./ExportButtons";
import { FunnelPersons } from "./FunnelPersons";
import { ResultMeta } from "./ResultMeta";
import { TableView } from "./TableView";

export interface Answer {
  kind: string;
  result: unknown;
  meta: QueryMeta;
}

/** Revenue reports and anything else: bars of the first numeric column by the first text column. */
function GenericChart({ table }: { table: ResultTable }) {
  const labelCol = table.rows[0]?.findIndex((c) => typeof c === "string") ?? -1;
  const numCols = table.columns.map((_, i) => i).filter((i) => i !== labelCol && table.rows.some((r) => typeof r[i] === "number"));
  if (labelCol < 0 || numCols.length === 0 || table.rows.length < 2) return null;
  const col = numCols[0]!;
  return (
    <BarChart
      label={table.columns[col]!}
      categories={table.rows.map((r) => String(r[labelCol] ?? "").slice(0, 16))}
      layers={[{ label: table.columns[col]!, values: table.rows.map((r) => Number(r[col] ?? 0)) }]}
    />
  );
}

function Chart({ answer, query, table }: { answer: Answer; query: InsightQuery | null; table: ResultTable }) {
  const r = answer.result;
  switch (answer.kind) {
    case "trends": {
      const display = query?.kind === "trends" ? query.display : "line";
      if (display === "table") return null;
      return <TrendsWithForecast result={r as TrendsResult} display={display} query={query?.kind === "trends" ? (query as TrendsQuery) : null} />;
    }
    case "funnels": {
      const f = r as FunnelsResult;
      return (
        <>
          <FunnelChart result={f} />
          {query?.kind === "funnels" ? (
            <FunnelPersons query={query} labels={(f.breakdowns[0]?.steps ?? []).map((s) => s.label)} breakdownValues={f.breakdowns.map((b) => b.breakdownValue)} />
          ) : null}
        </>
      );
    }
    case "retention":
      return <RetentionGrid result={r as RetentionResult} period={query?.kind === "retention" ? query.period : "period"} />;
    case "paths":
      return <PathsSankey result={r as PathsResult} />;
    case "lifecycle": {
      const l = r as LifecycleResult;
      const interval = query?.kind === "lifecycle" ? query.interval : "day";
      return (
        <BarChart
          label="Lifecycle of active persons"
          categories={l.buckets.map((b) => bucketLabel(b, interval))}
          layers={[
            { label: "New", values: l.new },
            { label: "Returning", values: l.returning },
            { label: "Resurrecting", values: l.resurrecting },
            { label: "Dormant", values: l.dormant.map((v) => -Math.abs(v)) },
          ]}
        />
      );
    }
    case "stickiness": {
      const s = r as StickinessResult;
      return <BarChart label="Persons by days active" categories={s.days.map((d) => `${d} d`)} layers={[{ label: "Persons", values: s.persons }]} />;
    }
    case "revenue":
      return (r as { report?: unknown })?.report ? <RevenueChart result={r as RevenueResult} /> : <GenericChart table={table} />;
    default:
      return <GenericChart table={table} />;
  }
}

/** A result: where it came from, its chart, its table and the export buttons. */
export function ResultView({ answer, query, name }: { answer: Answer; query: InsightQuery | null; name: string }) {
  const table = resultTable(answer.kind, answer.result);
  return (
    <section className="insight-result stack" aria-label="Result">
      <div className="cluster result-toolbar">
        <ResultMeta meta={answer.meta} />
        <ExportButtons answer={answer} name={name} />
      </div>
      <div className="chart-wrap">
        <Chart answer={answer} query={query} table={table} />
      </div>
      <TableView table={table} />
    </section>
  );
}
