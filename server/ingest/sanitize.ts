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
 * Walks a properties object once: enforces depth, key count and key length, rejects keys that
 * could reach object prototypes, cleans strings, and returns a plain copy plus its JSON size
 * estimate. Throws PropertyProblem naming the offending path.
 */
export function sanitizeProperties(value: unknown, field: string): { value: Record<string, unknown>; keys: number } {
  if (value === undefined || value === null) return { value: {}, keys: 0 };
  if (typeof value !== "object" || Array.isArray(value)) throw new PropertyProblem(field, "must be an object");
  const state = { keys: 0 };
  return { value: walk(value as Record<string, unknown>, field, 1, state) as Record<string, unknown>, keys: state.keys };
}

function walk(v: unknown, path: string, depth: number, state: { keys: number }): unknown {
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string") return cleanString(v);
  if (depth > limits.maxPropertyDepth) throw new PropertyProblem(path, `nested deeper than ${limits.maxPropertyDepth} levels`);
  if (Array.isArray(v)) {
    state.keys += v.length;
    if (state.keys > limits.maxPropertyKeys) throw new PropertyProblem(path, `more than ${limits.maxPropertyKeys} keys and items`);
    return v.map((item, i) => walk(item, `${path}[${i}]`, depth + 1, state));
  }
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v as object)) {
      if (++state.keys > limits.maxPropertyKeys) throw new PropertyProblem(path, `more than ${limits.maxPropertyKeys} keys and items`);
      if (key.length > limits.maxPropertyKeyLength) {
        throw new PropertyProblem(`${path}.${key.slice(0, 40)}…`, `key longer than ${limits.maxPropertyKeyLength} characters`);
      }
      if (FORBIDDEN_KEYS.has(key)) throw new PropertyProblem(`${path}.${key}`, "key name is not allowed");
      const cleanKey = cleanString(key);
      if (cleanKey.length === 0) throw new PropertyProblem(path, "empty key name");
      out[cleanKey] = walk((v as Record<string, unknown>)[key], `${path}.${cleanKey}`, depth + 1, state);
    }
    return out;
  }
  return null; // functions, bigint, symbols cannot come from JSON; drop anything else
}
