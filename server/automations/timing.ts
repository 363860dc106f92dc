/**
 * The time rules of an automation, pure so they can be checked on hand-made event sequences.
 * A trigger at `t` with an absence window `w` holds when the person did no absent event at a time
 * in [t, t + w] (both ends included: a booking in the same millisecond as the checkout counts as
 * a booking). Acting waits for the delay and, for absence rules, for the window to close.
 */
export interface TimingRule {
  delaySeconds: number;
  withinSeconds?: number;
  dedupSeconds: number | null;
}

export function windowEnd(triggeredAt: Date, withinSeconds: number): Date {
  return new Date(triggeredAt.getTime() + withinSeconds * 1000);
}

/** When a trigger may be acted on: after the delay, and never before its absence window closes. */
export function dueAt(triggeredAt: Date, rule: Pick<TimingRule, "delaySeconds" | "withinSeconds">): Date {
  return new Date(triggeredAt.getTime() + Math.max(rule.delaySeconds, rule.withinSeconds ?? 0) * 1000);
}

/** True when none of the person's absent events falls in the trigger's window. */
export function absenceHolds(triggeredAt: Date, absentEventTimes: readonly Date[], withinSeconds: number): boolean {
  const from = triggeredAt.getTime();
  const to = windowEnd(triggeredAt, withinSeconds).getTime();
  return !absentEventTimes.some((d) => d.getTime() >= from && d.getTime() <= to);
}

/**
 * The dedup slot a trigger claims when it acts: `once` (once per person ever) or the period of
 * `dedupSeconds` its trigger time falls in (fixed periods from the Unix epoch). Two firings of one
 * person in one slot cannot both be sent: the slot is part of the firings' unique key.
 */
export function dedupSlot(triggeredAt: Date, dedupSeconds: number | null): string {
  if (dedupSeconds === null) return "once";
  return `p${dedupSeconds}:${Math.floor(triggeredAt.getTime() / 1000 / dedupSeconds)}`;
}

/** The key of a firing that has not claimed a slot yet: one per trigger event, so rescans add nothing. */
export function eventKey(eventUuid: string): string {
  return `event:${eventUuid}`;
}
