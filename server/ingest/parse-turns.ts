/**
 * Capture requests take their turn to be parsed: one per event-loop iteration, in arrival order,
 * in the loop's check phase (setImmediate). Parsing a batch of 100 events takes about a
 * millisecond of the one main thread; done as each body arrives, a burst of bodies ran back to
 * back while database replies that arrived with them waited, and the writer's transactions sat
 * open "waiting on node". With turns, the poll phase runs every reply between two parses, so the
 * writer sends its next statement at once (docs/decisions/0024; +7-10% ingest throughput,
 * BENCHMARKS.md "Ingest").
 */
const waiting: Array<() => void> = [];
let scheduled = false;

function next() {
  waiting.shift()?.();
  if (waiting.length) setImmediate(next);
  else scheduled = false;
}

/** Resolves when it is this caller's turn; the caller then does its synchronous work at once. */
export function parseTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(next);
    }
  });
}
