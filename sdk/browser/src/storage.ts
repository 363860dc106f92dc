/** A string key-value store; every backend swallows its own errors (quota, privacy modes). */
export interface KeyValue {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  keys(): string[];
}

export function memoryStore(): KeyValue {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
    keys: () => [...map.keys()],
  };
}

/** localStorage / sessionStorage, or null where it is missing or refuses writes (Safari private mode, blocked storage). */
export function webStorage(kind: "localStorage" | "sessionStorage"): KeyValue | null {
  let s: Storage;
  try {
    s = window[kind];
    s.setItem("__fs_probe", "1");
    s.removeItem("__fs_probe");
  } catch {
    return null;
  }
  return {
    get: (k) => attempt(() => s.getItem(k), null),
    set: (k, v) => attempt(() => s.setItem(k, v), undefined),
    remove: (k) => attempt(() => s.removeItem(k), undefined),
    keys: () => attempt(() => Array.from({ length: s.length }, (_, i) => s.key(i) ?? ""), []),
  };
}

const YEAR_S = 365 * 24 * 3600;

/** First-party cookies on the current host; one cookie per key. */
export function cookieStore(): KeyValue {
  const attrs = () => `; Path=/; SameSite=Lax${location.protocol === "https:" ? "; Secure" : ""}`;
  const all = () =>
    document.cookie
      .split(";")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const i = part.indexOf("=");
        return [part.slice(0, i), part.slice(i + 1)] as const;
      });
  return {
    get(k) {
      const hit = all().find(([name]) => name === k);
      return hit ? attempt(() => decodeURIComponent(hit[1]), null) : null;
    },
    set: (k, v) => void (document.cookie = `${k}=${encodeURIComponent(v)}; Max-Age=${YEAR_S}${attrs()}`),
    remove: (k) => void (document.cookie = `${k}=; Max-Age=0${attrs()}`),
    keys: () => all().map(([name]) => name),
  };
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
