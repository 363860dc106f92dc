/** Deeper than this an input is refused before anything walks it further. */
export const MAX_INPUT_DEPTH = 100;

export interface TextProblem {
  /** Where in the input: `name`, `steps.2.event`, `filters.0.value` (`input` for the input itself). */
  path: string;
  problem: string;
}

/**
 * The first string or key in `value` that PostgreSQL cannot store in text or jsonb (a NUL
 * character, or a lone UTF-16 surrogate), or nesting past MAX_INPUT_DEPTH; null when there is none.
 * Iterative, so a hostile depth cannot overflow the stack.
 */
export function unstorableText(value: unknown): TextProblem | null {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }];
  const where = (path: string[]) => (path.length === 0 ? "input" : path.length <= 12 ? path.join(".") : `${path.slice(0, 6).join(".")}...(${path.length} levels)`);
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return { path: where(path), problem };
      continue;
    }
    if (v === null || typeof v !== "object" || v instanceof Date) continue;
    if (path.length >= MAX_INPUT_DEPTH) return { path: where(path), problem: `is nested deeper than ${MAX_INPUT_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, String(i)] });
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    for (const [k] of entries) {
      const keyProblem = textProblem(k);
      if (keyProblem) return { path: where(path), problem: `has a key that ${keyProblem}` };
    }
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i]![1], path: [...path, entries[i]![0]] });
  }
  return null;
}

function textProblem(s: string): string | null {
  if (s.includes("\u0000")) return "contains a NUL character (\\u0000), which cannot be stored";
  if (!s.isWellFormed()) return "contains a lone UTF-16 surrogate (invalid Unicode), which cannot be stored";
  return null;
}
