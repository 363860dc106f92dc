// The server's node options are given in three places (npm start / dev, the `foresight` bin's
// shebang, the benchmarks' server); they must not drift apart.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { SERVER_NODE_FLAGS } from "../../server/node-flags";

const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("server node flags", () => {
  it.each(["start", "dev"])("npm run %s passes every flag to node before the bin", (script) => {
    const cmd = pkg.scripts[script]!;
    const words = cmd.split(/\s+/);
    expect(words[0]).toBe("node");
    const bin = words.indexOf("bin/foresight.mjs");
    expect(bin).toBeGreaterThan(0);
    expect(words.slice(1, bin)).toEqual([...SERVER_NODE_FLAGS]);
  });

  it("the bin's shebang passes them too", () => {
    const first = readFileSync(path.join(repoRoot, "bin", "foresight.mjs"), "utf8").split("\n")[0]!;
    expect(first).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(" ")}`);
  });

  it("each flag is one node accepts", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, "-e", "0"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
