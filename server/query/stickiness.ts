// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { StickinessQuery } from "./schema/lifecycle";

export async function runStickiness(_ctx: QueryContext, _query: StickinessQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
