import { limits } from "./limits";

export class PropertyProblem extends Error {
  constructor(public readonly field: string, message: string) {
    super(message);
  }
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * PostgreSQL text and jsonb reject NUL and lone UTF-16 surrogates; replace them so a hostile
 * string becomes a stored string instead of a failed batch.
 */
export function cleanString(s: string): string {
  // eslint-disable-next-line no-control-regex
  const noNul = s.includes("\u0000") ? s.replace(/\u0000/g, "\uFFFD") : s;
  return noNul.isWellFormed() ? noNul : noNul.toWellFormed();
}

/**
 * Walks a properties object once, in place (it comes straight from JSON.parse and is ours):
 * enforces depth, key count and key length, rejects keys that could reach object prototypes,
 * and cleans strings. Copies an object only when a key itself needs cleaning. Throws
 * PropertyProblem naming the offending path.
 */
export function sanitizeProperties(value: unknown, field: string, plainStrings = false): { value: Record<string, unknown>; keys: number } {
  if (value === undefined || value === null) return { value: {}, keys: 0 };
  if (typeof value !== "object" || Array.isArray(value)) throw new PropertyProblem(field, "must be an object");
  const state = { keys: 0, plain: plainStrings };
  return { value: walk(value as Record<string, unknown>, field, 1, state) as Record<string, unknown>, keys: state.keys };
}

function needsCleaning(s: string): boolean {
  return s.includes("\u0000") || !s.isWellFormed();
}

/** `plain`: the strings are known to need no cleaning (sanitizeProperties' plainStrings). */
function walk(v: unknown, path: string, depth: number, state: { keys: number; plain: boolean }): unknown {
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string") return !state.plain && needsCleaning(v) ? cleanString(v) : v;
  if (depth > limits.maxPropertyDepth) throw new PropertyProblem(path, `nested deeper than ${limits.maxPropertyDepth} levels`);
  if (Array.isArray(v)) {
    state.keys += v.length;
    if (state.keys > limits.maxPropertyKeys) throw new PropertyProblem(path, `more than ${limits.maxPropertyKeys} keys and items`);
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (item !== null && typeof item === "object") v[i] = walk(item, `${path}[${i}]`, depth + 1, state);
      else if (typeof item === "string" && !state.plain && needsCleaning(item)) v[i] = cleanString(item);
      else if (typeof item === "number" && !Number.isFinite(item)) v[i] = null;
    }
    return v;
  }
  if (typeof v === "object") {
    const obj = v as Record<string, unknown>;
    let rename: Array<[string, string]> | null = null;
    for (const key in obj) {
      if (++state.keys > limits.maxPropertyKeys) throw new PropertyProblem(path, `more than ${limits.maxPropertyKeys} keys and items`);
      if (key.length > limits.maxPropertyKeyLength) {
        throw new PropertyProblem(`${path}.${key.slice(0, 40)}…`, `key longer than ${limits.maxPropertyKeyLength} characters`);
      }
      if (FORBIDDEN_KEYS.has(key)) throw new PropertyProblem(`${path}.${key}`, "key name is not allowed");
      if (key.length === 0) throw new PropertyProblem(path, "empty key name");
      const item = obj[key];
      if (item !== null && typeof item === "object") obj[key] = walk(item, `${path}.${key}`, depth + 1, state);
      else if (typeof item === "string") {
        if (!state.plain && needsCleaning(item)) obj[key] = cleanString(item);
      } else if (typeof item === "number") {
        if (!Number.isFinite(item)) obj[key] = null;
      } else if (typeof item !== "boolean" && item !== null) obj[key] = null;
      if (!state.plain && needsCleaning(key)) (rename ??= []).push([key, cleanString(key)]);
    }
    if (rename) {
      const out: Record<string, unknown> = {};
      const renamed = new Map(rename);
      for (const key in obj) out[renamed.get(key) ?? key] = obj[key];
      return out;
    }
    return obj;
  }
  return null;
}
