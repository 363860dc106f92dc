import { ensureEventPartitions } from "../../server/ingest/partitions";
import { partitionMonthsBack } from "../../server/privacy/retention";
import type { TaskHandler } from "../define-task";

export const maintainEventPartitionsTask: TaskHandler<"maintain_event_partitions"> = async (_payload, { deps }) => {
  const monthsBack = await partitionMonthsBack(deps.db.pool);
  const { created } = await ensureEventPartitions(deps.db.pool, { monthsBack, monthsAhead: 3 });
  return { monthsBack, created };
};
