// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { RetentionQuery } from "./schema/retention";

export async function runRetention(_ctx: QueryContext, _query: RetentionQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
