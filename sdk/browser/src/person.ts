import type { SessionState } from "./session.js";
import type { KeyValue } from "./storage.js";
import type { Properties } from "./types.js";
import { uuidv7 } from "./uuid.js";

export interface PersonState {
  distinctId: string;
  /** True until `identify()`; an anonymous id is what `$identify` sends as `$anon_distinct_id`. */
  anonymous: boolean;
  superProps: Properties;
  /** Whether the `$initial_*` person properties went out with an event already. */
  initialSent: boolean;
  session?: SessionState;
}

export function freshPerson(): PersonState {
  return { distinctId: uuidv7(), anonymous: true, superProps: {}, initialSent: false };
}

/**
 * The visitor's identity, read back from storage on every use so that tabs sharing storage
 * share one distinct id and one session.
 */
export class PersonStore {
  private cache: PersonState;

  constructor(
    private backend: KeyValue,
    private readonly key: string,
  ) {
    this.cache = this.load() ?? freshPerson();
  }

  read(): PersonState {
    this.cache = this.load() ?? this.cache;
    return this.cache;
  }

  write(state: PersonState): void {
    this.cache = state;
    this.backend.set(this.key, JSON.stringify(state));
  }

  /** Moves to another backend, preferring an identity already stored there. */
  moveTo(backend: KeyValue, dropFromOld: boolean): void {
    if (dropFromOld) this.backend.remove(this.key);
    this.backend = backend;
    const existing = this.load();
    if (existing) this.cache = existing;
    else this.write(this.cache);
  }

  private load(): PersonState | null {
    const raw = this.backend.get(this.key);
    if (!raw) return null;
    try {
      const v = JSON.parse(raw) as PersonState;
      return typeof v.distinctId === "string" && v.distinctId && typeof v.superProps === "object" ? v : null;
    } catch {
      return null;
    }
  }
}
