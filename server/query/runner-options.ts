import type { StreamRequest } from "./stream";

/** Options of the per-person runners beyond the query: tests and benchmarks may pick the stream source (default: the loader chooses). */
export interface RunnerOptions {
  source?: StreamRequest["source"];
}
