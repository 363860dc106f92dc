import { createHash } from "node:crypto";

/** Bumped when a runner's output changes shape or meaning, so old entries are never served. */
export const RESULT_SCHEMA_VERSION = 1;

/** Stable JSON: object keys sorted, so equal queries hash equally. */
export function normalizedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(normalizedJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${normalizedJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function cacheKey(parts: { projectId: string; timezone: string; query: unknown; watermark: string; now?: string }): string {
  return createHash("sha256")
    .update(normalizedJson({ v: RESULT_SCHEMA_VERSION, ...parts }))
    .digest("base64url");
}

/** A small in-process LRU of query results. Errors are never cached (callers store only results). */
export class ResultCache<V> {
  private readonly map = new Map<string, V>();
  hits = 0;
  misses = 0;
  constructor(private readonly maxEntries = 500) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }
}
