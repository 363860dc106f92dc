import { execFileSync } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";

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

/** Logs `page` in through the real login form and waits for the page it lands on (home by default). */
export async function logIn(page: Page, baseUrl: string, who: { email: string; password: string }, redirectTo = "/"): Promise<void> {
  await page.goto(`${baseUrl}/login${redirectTo === "/" ? "" : `?redirectTo=${encodeURIComponent(redirectTo)}`}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((u) => u.pathname === redirectTo);
}
