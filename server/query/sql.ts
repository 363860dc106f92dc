/**
 * SQL fragments whose values are always bind parameters. User input (event names, property keys,
 * values) goes in through `sql` placeholders and only ever reaches PostgreSQL as `$n`; `ident`
 * takes identifiers from allow-lists in this folder and nothing else.
 */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

type Part = Sql | { __raw: string };

/** `sql\`select ${value}\`` : every interpolated value becomes a parameter; Sql values nest. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql([...strings], values);
}

/** An identifier or keyword chosen from an allow-list in code, never from input. */
export function ident(text: AllowListed): Part {
  return { __raw: text as string };
}
declare const allowListed: unique symbol;
/** A string that code picked from a fixed set (see `columns.ts`); the brand keeps input out. */
export type AllowListed = string & { readonly [allowListed]: true };
export function allow<T extends string>(text: T): AllowListed {
  return text as unknown as AllowListed;
}

export function join(parts: readonly Sql[], separator = ", "): Sql {
  if (parts.length === 0) return sql``;
  const strings: string[] = [""];
  const values: unknown[] = [];
  parts.forEach((p, i) => {
    if (i > 0) strings[strings.length - 1] += separator;
    values.push(p);
    strings.push("");
  });
  return new Sql(strings, values);
}

export const empty = sql``;
export const TRUE = sql`true`;

export function and(parts: readonly (Sql | null | undefined)[]): Sql {
  const xs = parts.filter((p): p is Sql => !!p);
  return xs.length === 0 ? TRUE : xs.length === 1 ? xs[0]! : sql`(${join(xs, " and ")})`;
}

export function or(parts: readonly (Sql | null | undefined)[]): Sql {
  const xs = parts.filter((p): p is Sql => !!p);
  return xs.length === 0 ? sql`false` : xs.length === 1 ? xs[0]! : sql`(${join(xs, " or ")})`;
}

/** Renders to pg's `{ text, values }` with `$1..$n` placeholders. */
export function render(fragment: Sql): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const out: string[] = [];
  const walk = (f: Sql) => {
    f.strings.forEach((s, i) => {
      out.push(s);
      if (i < f.values.length) {
        const v = f.values[i];
        if (v instanceof Sql) walk(v);
        else if (v && typeof v === "object" && "__raw" in v) out.push((v as { __raw: string }).__raw);
        else {
          values.push(v);
          out.push(`$${values.length}`);
        }
      }
    });
  };
  walk(fragment);
  return { text: out.join(""), values };
}
