import type pg from "pg";
import { reconcilePricePredictions } from "../ml/price/reconcile";
import { localDate } from "./series";
import { reconcileProject } from "./predictions";
import { allProjectIds, projectForQuery } from "./project";

/** The reconcile_predictions job over every project. */
export async function reconcilePredictions(pool: pg.Pool, now: Date) {
  let targets = 0;
  let reconciled = 0;
  let versionsUpdated = 0;
  const skipped: string[] = [];
  for (const id of await allProjectIds(pool)) {
    const project = await projectForQuery(pool, id);
    if (!project) continue;
    const r = await reconcileProject(pool, project, now);
    targets += r.targets;
    reconciled += r.reconciled;
    versionsUpdated += r.versionsUpdated;
    skipped.push(...r.skipped);
    const price = await reconcilePricePredictions(pool, id, localDate(now, project.timezone));
    targets += price.targets;
    reconciled += price.reconciled;
    versionsUpdated += price.versionsUpdated;
  }
  return { targets, reconciled, versionsUpdated, skipped };
}
