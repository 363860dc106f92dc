export interface SessionState {
  id: string;
  start: number;
  lastActivity: number;
}

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;

/**
 * The session in force at `now`: the previous one unless it idled for 30 minutes, ran past 24
 * hours, or the clock went backwards. `activity` marks `now` as activity (an event, not a read).
 */
export function currentSession(prev: SessionState | undefined, now: number, newId: () => string, activity: boolean): SessionState {
  const expired = !prev || now - prev.lastActivity > SESSION_IDLE_MS || now - prev.start > SESSION_MAX_MS || now < prev.start;
  if (expired) return { id: newId(), start: now, lastActivity: now };
  return activity ? { ...prev, lastActivity: Math.max(prev.lastActivity, now) } : prev;
}
