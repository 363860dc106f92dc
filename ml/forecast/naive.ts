import type { Fitted, Member } from "./types";

/** Seasonal naive: y_{n+h} = y_{n+h-m(k+1)}, k = floor((h-1)/m); naive when m = 1. */
export function seasonalNaive(y: number[], m: number, h: number): number[] {
  const n = y.length;
  const out: number[] = [];
  for (let i = 1; i <= h; i++) out.push(y[n - m + ((i - 1) % m)]!);
  return out;
}

export const seasonalNaiveMember: Member = {
  name: "snaive",
  minLength: (m) => m,
  fit(y, m) {
    const fitted = (data: number[]): Fitted => ({
      forecast: (h) => seasonalNaive(data, m, h),
      refilter: (longer) => fitted(longer),
      describe: () => ({ method: "seasonal naive", m }),
    });
    return fitted(y);
  },
};
