/** Request headers as Node's `IncomingHttpHeaders` (lower-case keys) or a fetch `Headers`. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** One header's value; repeated headers are joined with ", " as HTTP allows for list headers. */
export function headerValue(headers: HeaderSource | null | undefined, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
