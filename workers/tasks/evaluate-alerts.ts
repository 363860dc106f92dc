import { evaluateRules } from "../../server/alerts/evaluate";
import type { TaskHandler } from "../define-task";

export const evaluateAlertsTask: TaskHandler<"evaluate_alerts"> = async (payload, { deps, helpers }) => {
  const results = await evaluateRules(deps, { ruleId: payload.ruleId });
  const changed = results.filter((r) => r.fired || r.resolved);
  // Notifications go out now rather than at the next minute's delivery run.
  if (changed.length) await helpers.addJob("deliver_notifications", {}, { jobKey: "deliver_notifications", jobKeyMode: "replace" });
  const errors = results.filter((r) => r.error).map((r) => ({ ruleId: r.ruleId, error: r.error }));
  return { evaluated: results.length, fired: results.filter((r) => r.fired).length, resolved: results.filter((r) => r.resolved).length, errors };
};
