// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { FunnelsQuery } from "./schema/funnels";

export async function runFunnels(_ctx: QueryContext, _query: FunnelsQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
