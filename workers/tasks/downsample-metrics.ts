import { downsampleMetrics } from "../../server/monitoring/metric-store";
import type { TaskHandler } from "../define-task";

export const downsampleMetricsTask: TaskHandler<"downsample_metrics"> = async (_payload, { deps }) => downsampleMetrics(deps.db.pool);
