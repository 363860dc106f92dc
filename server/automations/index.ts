/** Event-driven automations (triggers, delay, absence windows, dedup per person) and cohort syncs. */
export * from "./schema";
export * from "./timing";
export { scanTriggers, type ScanResult } from "./scan";
export { processDue, backoffMs, MAX_ATTEMPTS, type FiringPass } from "./process";
export { runAutomations, type AutomationRun } from "./run";
export { testFire } from "./test-fire";
export { performAction, PermanentActionError, type FiringPayload } from "./send";
export * from "./store";
export * from "./audiences";
