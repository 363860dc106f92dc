import { uuidv7 } from "./uuid";

const INACTIVITY_MS = 30 * 60 * 1000;

/**
 * Server-side sessions for events that carry no `$session_id`: a new session after 30 minutes
 * without events from the same distinct id. Kept in memory (bounded), per process: after a
 * restart, or across web processes, a visit may be split in two; clients that send their own
 * session id (our SDK, posthog-js) are not affected.
 */
export class SessionTracker {
  private last = new Map<string, { id: string; at: number }>();

  constructor(private readonly max = 200_000) {}

  sessionFor(projectId: string, distinctId: string, at: number): string {
    const key = projectId + "\u0001" + distinctId;
    const prev = this.last.get(key);
    if (prev && at >= prev.at - INACTIVITY_MS && at - prev.at <= INACTIVITY_MS) {
      if (at > prev.at) prev.at = at;
      return prev.id;
    }
    const id = uuidv7(at);
    this.last.delete(key);
    this.last.set(key, { id, at });
    if (this.last.size > this.max) this.last.delete(this.last.keys().next().value!);
    return id;
  }
}
