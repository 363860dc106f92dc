import { type ForesightApi, bindApi } from "./api.js";
import { ForesightBrowser } from "./client.js";

type Loaded = ForesightApi & { __loaded: true };
type Call = [keyof ForesightApi, ...unknown[]];

// The script tag build: installs `window.foresight` and replays the calls the async snippet queued.
const w = window as unknown as { foresight?: Loaded | Call[] };
const queued = w.foresight;
if (!(queued && "__loaded" in queued)) {
  const script = document.currentScript as HTMLScriptElement | null;
  const api: Loaded = { ...bindApi(new ForesightBrowser(script?.src ? new URL(script.src).origin : undefined)), __loaded: true };
  w.foresight = api;
  if (Array.isArray(queued)) {
    for (const [method, ...args] of queued) {
      const fn = api[method] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn === "function") fn(...args);
    }
  }
}
