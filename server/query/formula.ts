import { QueryInputError } from "./errors";

/**
 * A tiny, safe arithmetic language for trends formulas: series letters A-J, decimal numbers,
 * + - * /, unary minus and parentheses. Parsed once into a tree (no eval, no Function), then
 * evaluated per bucket. Division by zero gives 0 (a ratio of an empty bucket is charted as 0,
 * like PostHog does); any non-finite intermediate also becomes 0.
 */
export type FormulaNode =
  | { type: "num"; value: number }
  | { type: "var"; name: string }
  | { type: "neg"; arg: FormulaNode }
  | { type: "bin"; op: "+" | "-" | "*" | "/"; left: FormulaNode; right: FormulaNode };

type Token = { kind: "num"; value: number } | { kind: "var"; name: string } | { kind: "op"; op: string };

const MAX_LENGTH = 200;
const MAX_DEPTH = 50;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      i++;
    } else if (/[A-J]/.test(c)) {
      out.push({ kind: "var", name: c });
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(\d+\.?\d*|\.\d+)/.exec(text.slice(i));
      if (!m) throw new QueryInputError("formula", `bad number at position ${i + 1}`);
      out.push({ kind: "num", value: Number(m[1]) });
      i += m[1]!.length;
    } else if ("+-*/()".includes(c)) {
      out.push({ kind: "op", op: c });
      i++;
    } else {
      throw new QueryInputError("formula", `unexpected character "${c}" at position ${i + 1}`);
    }
  }
  return out;
}

/** Parses a formula; throws QueryInputError("formula", ...) on anything malformed. */
export function parseFormula(text: string): FormulaNode {
  if (text.length > MAX_LENGTH) throw new QueryInputError("formula", `longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (t: Token | undefined, op: string) => t?.kind === "op" && t.op === op;

  // expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ; unary := '-' unary | primary
  const expr = (depth: number): FormulaNode => {
    if (depth > MAX_DEPTH) throw new QueryInputError("formula", "nested too deeply");
    let left = term(depth);
    while (isOp(peek(), "+") || isOp(peek(), "-")) {
      const op = (tokens[pos++] as { op: "+" | "-" }).op;
      left = { type: "bin", op, left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): FormulaNode => {
    let left = unary(depth);
    while (isOp(peek(), "*") || isOp(peek(), "/")) {
      const op = (tokens[pos++] as { op: "*" | "/" }).op;
      left = { type: "bin", op, left, right: unary(depth) };
    }
    return left;
  };
  const unary = (depth: number): FormulaNode => {
    if (isOp(peek(), "-")) {
      pos++;
      if (depth > MAX_DEPTH) throw new QueryInputError("formula", "nested too deeply");
      return { type: "neg", arg: unary(depth + 1) };
    }
    if (isOp(peek(), "+")) {
      pos++;
      return unary(depth + 1);
    }
    return primary(depth);
  };
  const primary = (depth: number): FormulaNode => {
    const t = tokens[pos++];
    if (!t) throw new QueryInputError("formula", "ends too early");
    if (t.kind === "num") return { type: "num", value: t.value };
    if (t.kind === "var") return { type: "var", name: t.name };
    if (t.op === "(") {
      const inner = expr(depth + 1);
      if (!isOp(tokens[pos++], ")")) throw new QueryInputError("formula", "missing closing parenthesis");
      return inner;
    }
    throw new QueryInputError("formula", `unexpected "${t.op}"`);
  };

  if (tokens.length === 0) throw new QueryInputError("formula", "is empty");
  const tree = expr(0);
  if (pos < tokens.length) throw new QueryInputError("formula", `unexpected "${describe(tokens[pos]!)}" after the end of the expression`);
  return tree;
}

function describe(t: Token): string {
  return t.kind === "num" ? String(t.value) : t.kind === "var" ? t.name : t.op;
}

/** The series letters a formula uses. */
export function formulaVariables(node: FormulaNode, into = new Set<string>()): Set<string> {
  if (node.type === "var") into.add(node.name);
  else if (node.type === "neg") formulaVariables(node.arg, into);
  else if (node.type === "bin") {
    formulaVariables(node.left, into);
    formulaVariables(node.right, into);
  }
  return into;
}

/** Evaluates with the given series values; a letter without a value counts as 0. */
export function evaluateFormula(node: FormulaNode, vars: Readonly<Record<string, number>>): number {
  const v = evaluate(node, vars);
  return Number.isFinite(v) ? v : 0;
}

function evaluate(node: FormulaNode, vars: Readonly<Record<string, number>>): number {
  switch (node.type) {
    case "num":
      return node.value;
    case "var":
      return vars[node.name] ?? 0;
    case "neg":
      return -evaluate(node.arg, vars);
    case "bin": {
      const a = evaluate(node.left, vars);
      const b = evaluate(node.right, vars);
      if (node.op === "+") return a + b;
      if (node.op === "-") return a - b;
      if (node.op === "*") return a * b;
      return b === 0 ? 0 : a / b;
    }
  }
}
