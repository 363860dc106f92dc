// PLACEHOLDER: being written now; replaced by the real runner before this lands.
import type { QueryContext } from "./context";
import type { RunOutput } from "./registry";
import type { PathsQuery } from "./schema/paths";

export async function runPaths(_ctx: QueryContext, _query: PathsQuery): Promise<RunOutput<unknown>> {
  throw new Error("not built yet");
}
