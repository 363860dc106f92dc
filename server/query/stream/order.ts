/**
 * The total order of stream rows that both sources produce (SQL's ORDER BY and the columnar
 * scan): ts, canonical person uuid, lowest matching selector (no match last), event name,
 * breakdown value (null last). Strings compare by code point, as PostgreSQL's "C" collation.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code unit in code point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function compareNullableLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareCodePoints(a, b);
}

/** Sort key of a match mask: the index of its lowest bit, 32 when it matches nothing. */
export function selectorRank(mask: number): number {
  return mask === 0 ? 32 : 31 - Math.clz32(mask & -mask);
}
