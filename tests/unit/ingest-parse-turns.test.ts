import { describe, expect, it } from "vitest";
import { parseTurn } from "../../server/ingest/parse-turns";

describe("parseTurn", () => {
  it("gives one waiting caller its turn per event-loop iteration, in order", async () => {
    // A ticker that counts loop iterations (one setImmediate per check phase).
    let iteration = 0;
    let ticking = true;
    const tick = () => {
      iteration++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: Array<[number, number]> = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => parseTurn().then(() => seen.push([i, iteration]))));
    ticking = false;
    expect(seen.map(([i]) => i)).toEqual([0, 1, 2, 3, 4]);
    const iterations = seen.map(([, it]) => it);
    for (let k = 1; k < iterations.length; k++) expect(iterations[k]).toBeGreaterThan(iterations[k - 1]!);
  });

  it("lets I/O callbacks run between two turns", async () => {
    const order: string[] = [];
    const a = parseTurn().then(() => {
      order.push("turn 1");
      // Ready before turn 2 is due: must run before it (a database reply, say).
      setTimeout(() => order.push("timer"), 0);
      const t0 = Date.now();
      while (Date.now() - t0 < 3);
    });
    const b = parseTurn().then(() => order.push("turn 2"));
    await Promise.all([a, b]);
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(["turn 1", "timer", "turn 2"]);
  });

  it("is free again after the queue drains", async () => {
    await parseTurn();
    await parseTurn();
    const t = await Promise.race([parseTurn().then(() => "turn"), new Promise((r) => setTimeout(() => r("timeout"), 200))]);
    expect(t).toBe("turn");
  });
});
