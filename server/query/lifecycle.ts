// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { LifecycleQuery } from "./schema/lifecycle";

export async function runLifecycle(_ctx: QueryContext, _query: LifecycleQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
