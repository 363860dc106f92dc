import type { QueryContext } from "../context";
import { columnarCanAnswer, loadColumnarStream } from "./columnar-source";
import { loadSqlStream } from "./sql-source";
import type { EventStream, StreamRequest } from "./types";

export { prepareColumnar, dropColumnar, columnarStats } from "./columnar-store";
export type { EventStream, StreamRequest } from "./types";

/**
 * The events of a request as time-ordered typed arrays (see types.ts). Reads the project's
 * columnar store when every column the request touches is in it, else one SELECT over `events`;
 * `stream.source` says which ("columnar" or "events").
 */
export async function loadEventStream(ctx: QueryContext, req: StreamRequest): Promise<EventStream> {
  if (req.source === "events") return loadSqlStream(ctx, req);
  if (req.source === "columnar" || columnarCanAnswer(ctx, req)) {
    const s = await loadColumnarStream(ctx, req);
    if (s) return s;
    if (req.source === "columnar") throw new Error("the columnar store cannot answer this request");
  }
  return loadSqlStream(ctx, req);
}
