import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium through playwright-core (Playwright's own browser download cannot run here). */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  let executablePath: string;
  try {
    executablePath = execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
  } catch {
    throw new Error("Chromium is missing: install Debian's chromium (apt-get install chromium); .ci/run does this");
  }
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), "foresight-chromium-"));
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${userDataDir}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await fs.rm(userDataDir, { recursive: true, force: true });
    },
  };
}
