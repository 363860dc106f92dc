import { mulberry32 } from "../../ml/prng";

/** Seeded standard normals (Box-Muller over mulberry32, shifted half a step so a draw is never 0). */
export function normals(seed: number): () => number {
  const next = mulberry32(seed);
  const u = () => next() + 0.5 / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}
