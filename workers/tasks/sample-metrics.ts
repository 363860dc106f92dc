import { sampleMetrics } from "../../server/monitoring/metric-sampler";
import type { TaskHandler } from "../define-task";

export const sampleMetricsTask: TaskHandler<"sample_metrics"> = async (_payload, { deps }) => ({ samples: await sampleMetrics(deps) });
