// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { RevenueQuery } from "./schema/revenue";

export async function runRevenue(_ctx: QueryContext, _query: RevenueQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
