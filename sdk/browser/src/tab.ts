import type { KeyValue } from "./storage.js";
import { uuidv7 } from "./uuid.js";

interface TabState {
  /** Names this tab's persisted queue; survives reloads of the tab. */
  tab: string;
  /** `$window_id`: per tab, renewed with each session. */
  window: string;
  session: string;
}

/** Per-tab ids, kept in sessionStorage (which is per tab and survives reloads). */
export class TabIds {
  private v: TabState = { tab: uuidv7(), window: uuidv7(), session: "" };
  private store: KeyValue | null = null;

  constructor(private readonly key: string) {}

  attach(store: KeyValue | null): void {
    if (this.store && !store) this.store.remove(this.key);
    this.store = store;
    const saved = parse(store?.get(this.key));
    if (saved) this.v = saved;
    else this.save();
  }

  get tabId(): string {
    return this.v.tab;
  }

  windowId(sessionId: string): string {
    if (this.v.session !== sessionId) {
      this.v = { ...this.v, window: uuidv7(), session: sessionId };
      this.save();
    }
    return this.v.window;
  }

  private save() {
    this.store?.set(this.key, JSON.stringify(this.v));
  }
}

function parse(raw: string | null | undefined): TabState | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as TabState;
    return typeof v.tab === "string" && typeof v.window === "string" && typeof v.session === "string" ? v : null;
  } catch {
    return null;
  }
}
