import type { JobHelpers } from "graphile-worker";
import type { Deps } from "../server/deps";
import type { TaskName, TaskPayload } from "../server/jobs/catalog";

/** A task is thin: it receives a validated payload and calls a service; the result is recorded. */
export type TaskHandler<N extends TaskName> = (
  payload: TaskPayload<N>,
  ctx: { deps: Deps; helpers: JobHelpers },
) => Promise<Record<string, unknown> | void>;
