import type { WalkedPaths } from "./paths-walk";
import type { PathsResult } from "./schema/paths";

/** Name of the node that groups a step's names beyond `nodesPerStep`. */
export const OTHER_NODE = "other";

/** Node ids: `<step>:n:<name>` for a name, `<step>:other` for the grouped rest (never equal). */
export function nodeId(step: number, name: string | null): string {
  return name === null ? `${step}:${OTHER_NODE}` : `${step}:n:${name}`;
}

/**
 * The sankey graph of walked paths (one per person): per step (1-based) the persons at each
 * node, the persons who stop there (dropOff), links between consecutive steps, and the most
 * common full paths. At each step only the `nodesPerStep` names with the most persons (ties:
 * by name) are nodes of their own; the rest of that step is one "other" node. Top paths use the
 * real names.
 */
export function pathsGraph(walked: WalkedPaths, eventNames: readonly string[], nodesPerStep: number, topPaths: number): PathsResult {
  const { names, offsets, count } = walked;
  const V = eventNames.length;
  let steps = 0;
  for (let j = 0; j < count; j++) steps = Math.max(steps, offsets[j + 1]! - offsets[j]!);

  // persons per (step, name)
  const at = new Int32Array(steps * V);
  for (let j = 0; j < count; j++) for (let x = offsets[j]!, s = 0; x < offsets[j + 1]!; x++, s++) at[s * V + names[x]!]!++;

  // kept[s * V + v] = 1 when name v is a node of its own at step s
  const kept = new Uint8Array(steps * V);
  for (let s = 0; s < steps; s++) {
    const used: number[] = [];
    for (let v = 0; v < V; v++) if (at[s * V + v]! > 0) used.push(v);
    used.sort((a, b) => at[s * V + b]! - at[s * V + a]! || compare(eventNames[a]!, eventNames[b]!));
    for (const v of used.slice(0, nodesPerStep)) kept[s * V + v] = 1;
  }
  const group = (s: number, v: number) => (kept[s * V + v] ? v : -1);

  const nodePersons = new Map<number, number>(); // key: s * (V + 1) + (g + 1)
  const nodeOut = new Map<number, number>();
  const linkPersons = new Map<number, number>(); // key: (s * (V + 1) + (a + 1)) * (V + 1) + (b + 1)
  const W = V + 1;
  const pathCounts = new Map<string, number>();
  for (let j = 0; j < count; j++) {
    const from = offsets[j]!;
    const to = offsets[j + 1]!;
    let prev = -2;
    for (let x = from, s = 0; x < to; x++, s++) {
      const g = group(s, names[x]!);
      const key = s * W + (g + 1);
      nodePersons.set(key, (nodePersons.get(key) ?? 0) + 1);
      if (s > 0) {
        const prevKey = (s - 1) * W + (prev + 1);
        nodeOut.set(prevKey, (nodeOut.get(prevKey) ?? 0) + 1);
        const link = prevKey * W + (g + 1);
        linkPersons.set(link, (linkPersons.get(link) ?? 0) + 1);
      }
      prev = g;
    }
    const pathKey = Array.prototype.join.call(names.subarray(from, to), ",");
    pathCounts.set(pathKey, (pathCounts.get(pathKey) ?? 0) + 1);
  }

  const label = (g: number) => (g < 0 ? null : eventNames[g]!);
  const nodes: PathsResult["nodes"] = [...nodePersons.entries()]
    .map(([key, persons]) => {
      const s = Math.floor(key / W);
      const g = (key % W) - 1;
      return { id: nodeId(s + 1, label(g)), step: s + 1, name: label(g) ?? OTHER_NODE, other: g < 0, persons, dropOff: persons - (nodeOut.get(key) ?? 0) };
    })
    .sort((a, b) => a.step - b.step || Number(a.other) - Number(b.other) || b.persons - a.persons || compare(a.name, b.name))
    .map(({ other, ...n }) => (other ? { ...n, other: true } : n));
  const links: PathsResult["links"] = [...linkPersons.entries()]
    .map(([key, persons]) => {
      const b = (key % W) - 1;
      const sourceKey = Math.floor(key / W);
      const s = Math.floor(sourceKey / W);
      const a = (sourceKey % W) - 1;
      return { source: nodeId(s + 1, label(a)), target: nodeId(s + 2, label(b)), persons };
    })
    .sort((x, y) => y.persons - x.persons || compare(x.source, y.source) || compare(x.target, y.target));
  const top = [...pathCounts.entries()]
    .map(([key, persons]) => ({ path: key.split(",").map((v) => eventNames[Number(v)]!), persons }))
    .sort((a, b) => b.persons - a.persons || compare(a.path.join("\u0000"), b.path.join("\u0000")))
    .slice(0, topPaths);
  return { nodes, links, topPaths: top };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
