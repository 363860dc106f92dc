import type { ReportKind } from "../schema";
import type { ReportBuilder } from "./context";
import { dailyRevenue } from "./daily-revenue";
import { savedInsight } from "./insight";
import { monthlyBusinessReview } from "./monthly-review";
import { quarterlyTrends } from "./quarterly-trends";
import { weeklyPerformance } from "./weekly-performance";

/** One builder per report kind; `kind` picks it. */
export const REPORT_BUILDERS: Record<ReportKind, ReportBuilder> = {
  daily_revenue: dailyRevenue,
  weekly_performance: weeklyPerformance,
  monthly_business_review: monthlyBusinessReview,
  quarterly_trends: quarterlyTrends,
  insight: savedInsight,
};
export type { BuildContext, ReportBuilder } from "./context";
