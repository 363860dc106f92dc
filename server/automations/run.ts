import type { Deps } from "../deps";
import { processDue, type FiringPass } from "./process";
import { scanTriggers } from "./scan";

export interface AutomationRun extends FiringPass {
  scanned: number;
  added: number;
}

/**
 * One run of the `run_automations` job: scan new events of every enabled rule (or one) for
 * triggers, then act on the firings due at `now`. `now` is injectable so tests need not wait an
 * hour; the scan itself follows the database clock (`inserted_at` is stamped by it) less `lagMs`.
 */
export async function runAutomations(
  deps: Pick<Deps, "db" | "config" | "logger">,
  opts: { now?: Date; automationId?: string; lagMs?: number } = {},
): Promise<AutomationRun> {
  const rules = await deps.db.prisma.automation.findMany({
    where: { enabled: true, ...(opts.automationId ? { id: opts.automationId } : {}) },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  let added = 0;
  for (const r of rules) added += (await scanTriggers(deps.db.pool, r.id, { lagMs: opts.lagMs })).added;
  const pass = await processDue(deps, { now: opts.now, automationId: opts.automationId });
  return { scanned: rules.length, added, ...pass };
}
