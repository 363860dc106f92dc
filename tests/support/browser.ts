import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "playwright-core";

/**
 * Debian's chromium through playwright-core (Playwright's own browser download cannot run here).
 * `launch()` gives every browser a fresh temporary profile, removed on close.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  let executablePath: string;
  try {
    executablePath = execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
  } catch {
    throw new Error("Chromium is missing: install Debian's chromium (apt-get install chromium); .ci/run does this");
  }
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
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
