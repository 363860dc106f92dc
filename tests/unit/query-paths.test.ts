import { describe, expect, it } from "vitest";
import { pathsGraph, nodeId } from "../../server/query/paths-graph";
import { walkPaths, type PathWalkOptions } from "../../server/query/paths-walk";
import { handStream, type HandRow } from "../support/hand-stream";

const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 2, 9);
/** One person's events, a minute apart unless `gap` minutes are given before an event. */
function person(id: string, events: (string | [string, number] | [string, number, number])[]): HandRow[] {
  let t = t0;
  return events.map((e) => {
    const [name, match = 0, gap = 1] = typeof e === "string" ? [e] : e;
    t += gap * MIN;
    return { at: t, person: id, name, match };
  });
}
const paths = (rows: HandRow[], o: Partial<PathWalkOptions>) => {
  const s = handStream(rows);
  const w = walkPaths(s, { startBit: null, endBit: null, elementBit: null, steps: 4, gapMs: 30 * MIN, ...o });
  return { s, w, list: Array.from({ length: w.count }, (_, j) => Array.from(w.names.subarray(w.offsets[j], w.offsets[j + 1])).map((v) => s.eventNames[v])) };
};
const S = 1; // start selector
const E = 2; // end selector

describe("path walk (pure)", () => {
  const rows = [
    ...person("p1", ["home", ["search", S], ["search", S], "results", "book", "pay"]),
    ...person("p2", [["search", S], "results", ["book", 0, 120]]),
    ...person("p3", ["home", "results"]),
    ...person("p4", [["search", S], "home", ["search", S], "results", "book"]),
  ];

  it("after a start event: first start, repeats collapsed, N steps, a session gap ends the path", () => {
    expect(paths(rows, { startBit: 0 }).list).toEqual([
      ["search", "results", "book", "pay"],
      ["search", "results"],
      ["search", "home", "search", "results"],
    ]);
  });

  it("from each person's first event when there is no start or end", () => {
    expect(paths(rows, { steps: 3 }).list).toEqual([
      ["home", "search", "results"],
      ["search", "results"],
      ["home", "results"],
      ["search", "home", "search"],
    ]);
  });

  it("before an end event: the last steps of its session, end included, first end only", () => {
    const r = [
      ...person("p1", ["a", "b", "b", "c", "d", ["pay", E], "x", ["pay", E]]),
      ...person("p2", ["a", ["b", 0, 60], ["pay", E]]), // the gap cuts "a" off
      ...person("p3", [["pay", E]]),
      ...person("p4", ["a", "b"]), // never reaches the end
      ...person("p5", ["a", "pay", ["pay", E]]), // an end repeating the previous name collapses into it
    ];
    expect(paths(r, { endBit: 1 }).list).toEqual([["b", "c", "d", "pay"], ["b", "pay"], ["pay"], ["a", "pay"]]);
  });

  it("between a start and an end: the first end with a start at most N - 1 elements before it", () => {
    const r = [
      ...person("p1", [["s", S], "a", "b", "c", "d", ["end", E], ["s", S], "a", ["end", E]]), // first end too far
      ...person("p2", [["s", S], "a", ["s", S], "b", ["end", E]]), // the first s is 4 elements back: the second one counts
      ...person("p5", [["s", S], ["s", S], "a", ["end", E]]), // repeated starts collapse
      ...person("p3", [["s", S], "a", ["end", E, 45]]), // the gap breaks the session
      ...person("p4", ["a", ["end", E]]), // no start
    ];
    expect(paths(r, { startBit: 0, endBit: 1 }).list).toEqual([["s", "a", "end"], ["s", "b", "end"], ["s", "a", "end"]]);
  });

  it("page paths: only element rows (pageviews) count, besides the start row", () => {
    const P = 4;
    const r = [...person("p1", [["signup", S], ["/home", P], "click", ["/home", P], ["/pricing", P], "click", ["/buy", P]])];
    expect(paths(r, { startBit: 0, elementBit: 2 }).list).toEqual([["signup", "/home", "/pricing", "/buy"]]);
  });
});

describe("paths graph (pure)", () => {
  it("nodes with persons and drop-off, links, other grouping per step, top paths", () => {
    const r = [
      ...person("p1", ["s", "a", "x"]),
      ...person("p2", ["s", "a", "y"]),
      ...person("p3", ["s", "a"]),
      ...person("p4", ["s", "b", "x"]),
      ...person("p5", ["s", "c"]),
    ];
    const { s, w } = paths(r, { steps: 3 });
    const g = pathsGraph(w, s.eventNames, 1, 2);
    expect(g.nodes).toEqual([
      { id: nodeId(1, "s"), step: 1, name: "s", persons: 5, dropOff: 0 },
      { id: nodeId(2, "a"), step: 2, name: "a", persons: 3, dropOff: 1 },
      { id: nodeId(2, null), step: 2, name: "other", other: true, persons: 2, dropOff: 1 }, // b, c
      { id: nodeId(3, "x"), step: 3, name: "x", persons: 2, dropOff: 2 },
      { id: nodeId(3, null), step: 3, name: "other", other: true, persons: 1, dropOff: 1 }, // y
    ]);
    expect(g.links).toEqual([
      { source: nodeId(1, "s"), target: nodeId(2, "a"), persons: 3 },
      { source: nodeId(1, "s"), target: nodeId(2, null), persons: 2 },
      { source: nodeId(2, "a"), target: nodeId(3, "x"), persons: 1 },
      { source: nodeId(2, "a"), target: nodeId(3, null), persons: 1 },
      { source: nodeId(2, null), target: nodeId(3, "x"), persons: 1 },
    ]);
    // every path once; ties by path
    expect(g.topPaths).toEqual([
      { path: ["s", "a"], persons: 1 },
      { path: ["s", "a", "x"], persons: 1 },
    ]);
  });

  it("hostile names are plain data and ids stay unique", () => {
    const names = ["'); DROP TABLE events; --", "$$", "日本語 ✈️", "x".repeat(10_000), "other", "1:other"];
    const r = names.flatMap((n, i) => person(`p${i}`, ["start", n]));
    const { s, w } = paths(r, {});
    const g = pathsGraph(w, s.eventNames, 10, 10);
    expect(g.nodes.filter((n) => n.step === 2).map((n) => n.name).sort()).toEqual([...names].sort());
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
  });
});
