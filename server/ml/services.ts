import type { Deps } from "../deps";
import { PriceService } from "./price/serving";
import { SimilarityService } from "./similar/service";

/** The ML services of a process (one per Deps): models stay in memory between calls. */
export interface MlServices {
  price: PriceService;
  similarity: SimilarityService;
}

const byDeps = new WeakMap<Deps, MlServices>();

export function mlServices(deps: Deps): MlServices {
  let s = byDeps.get(deps);
  if (!s) {
    const log = deps.logger.child({ component: "ml" });
    s = {
      price: new PriceService(deps.db.pool, { onError: (err, what) => log.error({ err }, what) }),
      similarity: new SimilarityService(deps.db.pool, { onError: (err) => log.error({ err }, "building destination similarity") }),
    };
    byDeps.set(deps, s);
  }
  return s;
}
