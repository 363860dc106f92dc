// The Offline calculator page (/experiments/calculator) in a real browser: worked examples with
// published or independently computed answers typed in, the displayed numbers checked.
// References (the same ones the stats unit tests cite):
// - proportions 100/1000 vs 120/1000: mpmath at 50 digits (tests/unit/stats-reference-values.py,
//   proportions(1000, 100, 1000, 120)), as in tests/unit/stats-frequentist.test.ts;
// - Welch: NIST/SEMATECH e-Handbook of Statistical Methods, section 7.3.1, AUTO83B (US vs Japanese
//   cars): N 249, mean 20.14458, sd 6.41470 vs N 79, mean 30.48101, sd 6.10771; T = 12.94627
//   (sign: variant - control), df = 136.8750;
// - SRM [5000, 5200] with equal weights: chi2 = 2 * 100^2 / 5100 = 3.92156862745...; p = Q(1/2, chi2/2)
//   = 0.047670380656161448 (mpmath, srm([5000, 5200], [1, 1]));
// - sample size: R's power.prop.test help examples: p1 = .50, p2 = .75, power = .90 -> n = 76.7
//   per group; n = 50 -> power = 0.7401659.
import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

/** The displayed value (six significant digits) and the full-precision one in its title. */
async function shown(page: Page, testId: string): Promise<{ text: string; value: number; exact: number }> {
  const el = page.getByTestId(testId);
  const text = (await el.textContent())!.trim();
  return { text, value: Number(text), exact: Number(await el.getAttribute("title")) };
}

/** |actual - expected| <= tol * max(1, |expected|) */
function close(actual: number, expected: number, tol: number) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

async function fill(page: Page, form: string, values: Record<string, string>) {
  const f = page.getByTestId(`${form}-form`);
  for (const [name, value] of Object.entries(values)) await f.locator(`[name="${name}"]`).fill(value);
  return f;
}

describe("browser: offline stats calculator", () => {
  it("computes the worked examples and shows the same fields as foresight stats", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN, "/experiments/calculator");
    await page.waitForURL((u) => u.pathname === "/experiments/calculator");

    // Two proportions.
    let f = await fill(page, "proportions", { "control.n": "1000", "control.conversions": "100", "variant.n": "1000", "variant.conversions": "120" });
    await f.getByRole("button", { name: "Compare rates" }).click();
    await page.getByTestId("proportions-result").waitFor();
    const ref = { diff: 0.02, z: 1.4293008498232322, pValue: 0.15291778186394597, ciLow: -0.0074114819980199363, ciHigh: 0.047411481998019936, relativeLift: 0.2 };
    for (const [field, expected] of Object.entries(ref)) {
      const s = await shown(page, `proportions-${field}`);
      close(s.value, expected, 5e-6); // six significant digits on screen
      close(s.exact, expected, 1e-9);
    }
    expect((await shown(page, "proportions-z")).text).toBe("1.4293");
    expect((await shown(page, "proportions-pValue")).text).toBe("0.152918");
    expect(await page.getByTestId("proportions-verdict").textContent()).toContain("Not significant at the 5% level");

    // Welch (NIST AUTO83B).
    f = await fill(page, "means", {
      "control.n": "249", "control.mean": "20.14458", "control.variance": String(6.4147 ** 2),
      "variant.n": "79", "variant.mean": "30.48101", "variant.variance": String(6.10771 ** 2),
    });
    await f.getByRole("button", { name: "Compare means" }).click();
    await page.getByTestId("means-result").waitFor();
    expect((await shown(page, "means-t")).text).toBe("12.9463"); // published T = 12.94627
    close((await shown(page, "means-t")).exact, 12.94627, 1e-6);
    expect((await shown(page, "means-df")).text).toBe("136.875"); // published df = 136.8750
    close((await shown(page, "means-diff")).exact, 30.48101 - 20.14458, 1e-12);
    expect(await page.getByTestId("means-verdict").textContent()).toContain("Significant at the 5% level");

    // Sample ratio mismatch.
    f = await fill(page, "srm", { observed: "5000, 5200", weights: "1, 1" });
    await f.getByRole("button", { name: "Check the split" }).click();
    await page.getByTestId("srm-result").waitFor();
    close((await shown(page, "srm-chi2")).exact, (2 * 100 ** 2) / 5100, 1e-12);
    expect((await shown(page, "srm-chi2")).text).toBe("3.92157");
    expect((await shown(page, "srm-df")).text).toBe("1");
    close((await shown(page, "srm-pValue")).exact, 0.047670380656161448, 1e-9);
    expect(await page.getByTestId("srm-verdict").textContent()).toContain("No sample ratio mismatch");

    // Sample size and power (R's power.prop.test examples).
    f = await fill(page, "sample-size", { baselineRate: "50", relativeEffect: "50", power: "90", alpha: "5", arms: "2", n: "50" });
    await f.getByRole("button", { name: "Calculate sample size" }).click();
    await page.getByTestId("plan-result").waitFor();
    expect(Number(await page.getByTestId("plan-exactPerArm").textContent()).toFixed(1)).toBe("76.7");
    expect(await page.getByTestId("plan-perArm").textContent()).toBe("77");
    expect(await page.getByTestId("plan-total").textContent()).toBe("154");
    expect(Number(await page.getByTestId("plan-powerAtN").textContent()).toFixed(6)).toBe((0.7401659).toFixed(6));

    // The JSON box gives what the CLI prints for the same input.
    f = page.getByTestId("json-form");
    await f.locator("textarea").fill(JSON.stringify([{ test: "proportions", control: { n: 500, conversions: 0 }, variant: { n: 400, conversions: 0 } }, { test: "srm", observed: [5000, 5200], weights: [1, 1] }]));
    await f.getByRole("button", { name: "Run" }).click();
    const out = JSON.parse((await page.getByTestId("json-output").textContent())!);
    expect(out[0]).toEqual({ diff: 0, z: null, pValue: null, ciLow: 0, ciHigh: 0, relativeLift: null });
    close(out[1].pValue, 0.047670380656161448, 1e-9);
    // Every card keeps its own answer while the others are used.
    expect((await shown(page, "proportions-z")).text).toBe("1.4293");
    expect((await shown(page, "means-df")).text).toBe("136.875");
    expect(await page.getByTestId("plan-perArm").textContent()).toBe("77");
    await page.screenshot({ path: path.join(artifacts, "stats-calculator.png"), fullPage: true });

    // Bad input: a message naming the field, a 400, no crash.
    f = await fill(page, "proportions", { "control.n": "100", "control.conversions": "120" });
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), f.getByRole("button", { name: "Compare rates" }).click()]);
    expect(res.status()).toBe(400);
    await expect.poll(() => f.getByText("conversions must not exceed n").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
