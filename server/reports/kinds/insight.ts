import { runInsight } from "../../query/run";
import { answerTables } from "../insight-tables";
import { ReportInputError } from "../errors";
import type { ReportBuilder } from "./context";

/** Any saved insight's answer, as of the run time, as tables (there are no dashboards yet: a saved insight stands for one). */
export const savedInsight: ReportBuilder = async (ctx) => {
  const id = ctx.params.insightId;
  if (!id) throw new ReportInputError("the report names no saved insight");
  const insight = await ctx.loadInsight(id);
  if (!insight) throw new ReportInputError("the saved insight this report shows was deleted");
  const answer = await runInsight(ctx.pool, ctx.project, insight.query, { now: ctx.runAt });
  const tz = ctx.project.timezone;
  const fmt = (iso: string) => new Intl.DateTimeFormat("en-GB", { timeZone: tz, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
  return {
    title: ctx.reportName,
    periodLabel: `${insight.name}: ${fmt(answer.meta.range.from)} to ${fmt(answer.meta.range.to)}`,
    period: answer.meta.range,
    timezone: tz,
    generatedAt: new Date().toISOString(),
    tables: answerTables(answer, tz),
  };
};
