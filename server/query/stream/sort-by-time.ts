/**
 * The permutation that sorts `ts` ascending (stable): LSD radix sort over 16-bit digits of
 * (ts - min), skipping digits that are the same for every row. Linear, unlike a comparison sort
 * of millions of rows.
 */
export function sortPermutation(ts: Float64Array, n = ts.length): Uint32Array {
  let perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (n < 2) return perm;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min;
  if (span === 0) return perm;
  let tmp = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let div = 1; div <= span; div *= 65536) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor((ts[i]! - min) / div) % 65536]!++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const r = perm[i]!;
      tmp[counts[Math.floor((ts[r]! - min) / div) % 65536]!++] = r;
    }
    [perm, tmp] = [tmp, perm];
  }
  return perm;
}

export function permute<T extends Float64Array | Int32Array | Uint16Array | Uint32Array>(a: T, perm: Uint32Array): T {
  const out = new (a.constructor as new (n: number) => T)(perm.length);
  for (let i = 0; i < perm.length; i++) out[i] = a[perm[i]!]!;
  return out;
}
