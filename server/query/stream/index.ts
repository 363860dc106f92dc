import type { QueryContext } from "../context";
import { loadSqlStream } from "./sql-source";
import type { EventStream, StreamRequest } from "./types";

export type { EventStream, StreamRequest } from "./types";

/**
 * The events of a request as time-ordered typed arrays (see types.ts). `stream.source` says
 * where they came from ("events": one SELECT over `events`; "columnar": the in-memory store).
 */
export async function loadEventStream(ctx: QueryContext, req: StreamRequest): Promise<EventStream> {
  return loadSqlStream(ctx, req);
}
