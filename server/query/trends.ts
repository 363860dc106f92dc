// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { TrendsQuery } from "./schema/trends";

export async function runTrends(_ctx: QueryContext, _query: TrendsQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
