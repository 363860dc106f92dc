import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForesightApi } from "../../sdk/browser/src/api";
import { launchChromium } from "../support/browser";
import { waitFor } from "../support/wait";

const root = path.resolve(import.meta.dirname, "../..");
const bundlePath = path.join(root, "public", "sdk", "foresight.js");
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface WireEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  uuid: string;
  properties: Record<string, unknown>;
  $set?: Record<string, unknown>;
  $set_once?: Record<string, unknown>;
}
interface Received {
  contentType: string;
  /** `no-cors` for sendBeacon, `cors` for the SDK's fetch. */
  fetchMode: string;
  body: { api_key: string; batch: WireEvent[]; sent_at: string };
}

/** A stand-in for the Foresight server: the test page, the bundle, and a recording /api/capture. */
function startSite() {
  const received: Received[] = [];
  const flagRequests: { api_key: string; distinct_id: string }[] = [];
  /** Capture requests answered 503 so far, per write key; `fail-N-` keys fail their first N. */
  const failed = new Map<string, number>();
  let snippet = "";
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "POST" && url.pathname === "/api/capture") {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"];
      const failures = Number(/^fail-(\d+)-/.exec(body.api_key)?.[1] ?? 0);
      if ((failed.get(body.api_key) ?? 0) < failures) {
        failed.set(body.api_key, (failed.get(body.api_key) ?? 0) + 1);
        res.writeHead(503, { "access-control-allow-origin": "*" });
        return res.end();
      }
      received.push({ contentType: req.headers["content-type"] ?? "", fetchMode: String(req.headers["sec-fetch-mode"]), body });
      res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
      return res.end(JSON.stringify({ status: 1, accepted: body.batch.length }));
    }
    if (req.method === "POST" && url.pathname === "/api/flags") {
      // Flags: the same answer for everyone, with the distinct id asked for recorded.
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { api_key: string; distinct_id: string };
      flagRequests.push(body);
      res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
      return res.end(JSON.stringify({ flags: { "new-checkout": "one-page" }, payloads: {} }));
    }
    if (url.pathname === "/sdk/foresight.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(await fs.readFile(bundlePath));
    }
    if (url.pathname === "/favicon.ico") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    if (url.pathname === "/bye") return res.end("<!doctype html><title>Bye</title><p>Left the site</p>");
    res.end(testPage(snippet, url.searchParams));
  });
  return {
    received,
    flagRequests,
    setSnippet: (s: string) => void (snippet = s),
    listen: () => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The README's async snippet, then init with options from the query string. */
function testPage(snippet: string, q: URLSearchParams): string {
  const options = {
    flushIntervalMs: Number(q.get("interval") ?? 100),
    requireConsent: q.get("consent") === "required",
    persistence: q.get("persistence") ?? undefined,
  };
  return `<!doctype html>
<html><head><title>Shop</title>
<script>
${snippet}
foresight.init(${JSON.stringify(q.get("key"))}, ${JSON.stringify(options)});
</script></head>
<body><h1>Welcome to the shop</h1><p>Some text to paint.</p><button id="slow">Add to cart</button>
<script>
document.getElementById("slow").addEventListener("click", () => {
  const until = performance.now() + 150;
  while (performance.now() < until);
  document.body.append(" added");
});
</script></body></html>`;
}

let site: ReturnType<typeof startSite>;
let base: string;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(root, "sdk", "browser", "build.mjs")], { cwd: root, stdio: "pipe" });
  const readme = await fs.readFile(path.join(root, "sdk", "browser", "README.md"), "utf8");
  const loader = readme.split("\n").find((line) => line.startsWith("!function(w,d,u)"));
  if (!loader) throw new Error("the README lost its async snippet");
  site = startSite();
  site.setSnippet(loader.replace("https://foresight.example.com/sdk/foresight.js", "/sdk/foresight.js"));
  [base, chrome] = await Promise.all([site.listen(), launchChromium()]);
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await chrome?.close();
  await site?.close();
});

async function openPage(query: string): Promise<{ page: Page; errors: string[] }> {
  const context = await chrome.browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "warning" && errors.push(m.text()));
  await page.goto(`${base}/${query}`);
  return { page, errors };
}

/** Calls `window.foresight[method](...args)` in the page. */
function sdk<M extends keyof ForesightApi>(page: Page, method: M, ...args: Parameters<ForesightApi[M]>) {
  return page.evaluate(
    ([m, a]) => (window as unknown as { foresight: Record<string, (...x: unknown[]) => unknown> }).foresight[m]!(...a),
    [method, args as unknown[]] as const,
  ) as Promise<Awaited<ReturnType<ForesightApi[M]>>>;
}

const eventsFor = (key: string) => site.received.filter((r) => r.body.api_key === key).flatMap((r) => r.body.batch);
const named = (key: string, name: string) => eventsFor(key).filter((e) => e.event === name);
const waitForEvent = (key: string, what: string, match: (e: WireEvent) => boolean) =>
  waitFor(async () => eventsFor(key).find(match), `${what} (${key})`);
const settle = () => new Promise((r) => setTimeout(r, 1000));

describe("browser SDK", () => {
  it("sends a $pageview on load with page, campaign, session and library properties", async () => {
    const { page, errors } = await openPage("landing?key=k-load&utm_source=newsletter&utm_campaign=spring");
    const pv = await waitForEvent("k-load", "pageview", (e) => e.event === "$pageview");
    const distinctId = await sdk(page, "getDistinctId");
    const sessionId = await sdk(page, "getSessionId");

    expect(pv.distinct_id).toBe(distinctId);
    expect(pv.uuid).toMatch(UUID_V7);
    expect(distinctId).toMatch(UUID_V7);
    expect(Date.parse(pv.timestamp)).not.toBeNaN();
    expect(pv.properties).toMatchObject({
      $current_url: `${base}/landing?key=k-load&utm_source=newsletter&utm_campaign=spring`,
      $pathname: "/landing",
      $host: new URL(base).host,
      $referrer: "$direct",
      $referring_domain: "$direct",
      title: "Shop",
      utm_source: "newsletter",
      utm_campaign: "spring",
      $lib: "foresight-web",
      $lib_version: "0.1.0",
      $session_id: sessionId,
    });
    expect(pv.properties.$window_id).toMatch(UUID_V7);
    expect(pv.$set_once).toMatchObject({ $initial_utm_source: "newsletter", $initial_utm_campaign: "spring", $initial_pathname: "/landing" });

    const request = site.received.find((r) => r.body.api_key === "k-load")!;
    expect(request.contentType).toMatch(/^text\/plain/);
    expect(Date.parse(request.body.sent_at)).not.toBeNaN();

    await sdk(page, "capture", "clicked_cta", { button: "hero" });
    const custom = await waitForEvent("k-load", "custom event", (e) => e.event === "clicked_cta");
    expect(custom.properties).toMatchObject({ button: "hero", $session_id: sessionId, utm_source: "newsletter" });
    expect(custom.$set_once).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it("fetches the person's flags at init and again after identify and reset", async () => {
    const { page, errors } = await openPage("flags?key=k-flags");
    await page.waitForFunction(() => (window as any).foresight?.getFeatureFlag?.("new-checkout", { sendEvent: false }) === "one-page");
    const anon = await sdk(page, "getDistinctId");
    await sdk(page, "identify", "flags-user");
    await sdk(page, "reset");
    const fresh = await sdk(page, "getDistinctId");
    const asked = () => site.flagRequests.filter((r) => r.api_key === "k-flags").map((r) => r.distinct_id);
    await waitFor(async () => (asked().length >= 3 ? true : null), "three flag requests");
    expect(asked()).toEqual([anon, "flags-user", fresh]);
    expect(errors).toEqual([]);
  });

  it("turns pushState and popstate into pageviews, but not a replaceState on the same path", async () => {
    const { page } = await openPage("app?key=k-spa");
    await waitForEvent("k-spa", "first pageview", (e) => e.event === "$pageview");
    await page.evaluate(() => history.pushState({}, "", "/app/settings"));
    await waitForEvent("k-spa", "pushState pageview", (e) => e.properties.$pathname === "/app/settings");
    await page.evaluate(() => history.replaceState({}, "", "/app/settings?tab=billing"));
    await page.evaluate(() => history.back());
    await waitFor(async () => named("k-spa", "$pageview").length >= 3, "popstate pageview");
    await settle();
    expect(named("k-spa", "$pageview").map((e) => e.properties.$pathname)).toEqual(["/app", "/app/settings", "/app"]);
  });

  it("identifies with $anon_distinct_id, aliases, and keeps the identity across a reload", async () => {
    const { page } = await openPage("?key=k-identify");
    await waitForEvent("k-identify", "pageview", (e) => e.event === "$pageview");
    const anonId = await sdk(page, "getDistinctId");
    await sdk(page, "identify", "user-42", { email: "ada@example.com" }, { first_plan: "free" });
    await sdk(page, "alias", "ada-legacy-7");
    await sdk(page, "flush");
    const identify = await waitForEvent("k-identify", "$identify", (e) => e.event === "$identify");
    expect(identify.distinct_id).toBe("user-42");
    expect(identify.properties.$anon_distinct_id).toBe(anonId);
    expect(identify.$set).toEqual({ email: "ada@example.com" });
    expect(identify.$set_once).toEqual({ first_plan: "free" });
    const alias = await waitForEvent("k-identify", "$create_alias", (e) => e.event === "$create_alias");
    expect(alias).toMatchObject({ distinct_id: "user-42", properties: { alias: "ada-legacy-7" } });

    await page.reload();
    await waitFor(async () => named("k-identify", "$pageview").length === 2, "pageview after reload");
    const [first, second] = named("k-identify", "$pageview");
    expect(second!.distinct_id).toBe("user-42");
    expect(second!.properties.$session_id).toBe(first!.properties.$session_id);
    expect(second!.properties.$window_id).toBe(first!.properties.$window_id);
  });

  it("sends nothing after optOut, also after a reload and on page hide", async () => {
    const { page } = await openPage("?key=k-optout");
    await waitForEvent("k-optout", "pageview", (e) => e.event === "$pageview");
    await sdk(page, "optOut");
    await sdk(page, "capture", "after_opt_out");
    await sdk(page, "flush");
    await page.reload();
    await sdk(page, "capture", "after_reload");
    await page.goto(`${base}/bye`);
    await settle();
    expect(eventsFor("k-optout").map((e) => e.event)).toEqual(["$pageview"]);
  });

  it("with requireConsent stores and sends nothing until consent, then sends $opt_in and the pageview", async () => {
    const { page } = await openPage("?key=k-consent&consent=required");
    await sdk(page, "capture", "before_consent");
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
    expect(stored).toEqual({ local: 0, session: 0, cookies: "" });

    await sdk(page, "setConsent", true);
    await waitFor(async () => named("k-consent", "$pageview").length === 1, "pageview after consent");
    expect(eventsFor("k-consent").map((e) => e.event)).toEqual(["$opt_in", "$pageview"]);
    expect(await page.evaluate(() => localStorage.length)).toBeGreaterThan(0);
  });

  it("sends events queued before a reload after it, once, with their original uuid", async () => {
    const { page } = await openPage("?key=k-reload&interval=600000");
    await sdk(page, "capture", "queued_before_reload");
    const queued = await page.evaluate(() => {
      // As when the browser's beacon quota is used up: the page hides without handing anything over.
      navigator.sendBeacon = () => false;
      const key = Object.keys(localStorage).find((k) => k.includes("queue"))!;
      return (JSON.parse(localStorage.getItem(key)!) as { events: { event: string; uuid: string }[] }).events;
    });
    expect(queued.map((e) => e.event)).toEqual(["$pageview", "queued_before_reload"]);
    expect(eventsFor("k-reload")).toEqual([]);

    await page.reload();
    await waitFor(async () => named("k-reload", "queued_before_reload").length > 0, "the queued event");
    await settle();
    const sent = named("k-reload", "queued_before_reload");
    expect(sent.map((e) => e.uuid)).toEqual([queued[1]!.uuid]);
    expect(named("k-reload", "$pageview").filter((e) => e.uuid === queued[0]!.uuid)).toHaveLength(1);
  });

  it("retries after server errors with the same uuids", async () => {
    const { page } = await openPage("?key=fail-2-k");
    const queuedUuid = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.includes("queue"))!;
      return (JSON.parse(localStorage.getItem(key)!) as { events: { uuid: string }[] }).events[0]!.uuid;
    });
    const pv = await waitForEvent("fail-2-k", "pageview after two 503s", (e) => e.event === "$pageview");
    expect(pv.uuid).toBe(queuedUuid);
    expect(named("fail-2-k", "$pageview")).toHaveLength(1);
  });

  it("keeps identity in a first-party cookie with persistence: cookie", async () => {
    const { page } = await openPage("?key=k-cookie&persistence=cookie");
    const first = await waitForEvent("k-cookie", "pageview", (e) => e.event === "$pageview");
    const cookies = await page.context().cookies();
    const person = cookies.find((c) => c.name === "fs_k-cookie_person");
    expect(person?.sameSite).toBe("Lax");
    expect(decodeURIComponent(person!.value)).toContain(first.distinct_id);
    expect(await page.evaluate(() => Object.keys(localStorage).some((k) => k.includes("person")))).toBe(false);
    await page.reload();
    await waitFor(async () => named("k-cookie", "$pageview").length === 2, "pageview after reload");
    expect(named("k-cookie", "$pageview")[1]!.distinct_id).toBe(first.distinct_id);
  });

  it("hands the queue to sendBeacon when the visitor navigates away", async () => {
    const { page } = await openPage("?key=k-beacon&interval=600000");
    await sdk(page, "capture", "leaving_soon");
    await page.waitForTimeout(200);
    expect(eventsFor("k-beacon")).toEqual([]);
    await page.goto(`${base}/bye`);
    await waitFor(async () => named("k-beacon", "$pageleave").length > 0, "beacon with $pageleave");
    const beacons = site.received.filter((r) => r.body.api_key === "k-beacon");
    expect(beacons.every((r) => r.fetchMode === "no-cors" && r.contentType.startsWith("text/plain"))).toBe(true);
    expect(eventsFor("k-beacon").map((e) => e.event)).toEqual(expect.arrayContaining(["$pageview", "leaving_soon", "$pageleave"]));
  });

  it("sends one $web_vitals event with the page's vitals after a real interaction and page hide", async () => {
    const { page } = await openPage("vitals?key=k-vitals");
    await page.click("#slow");
    await page.waitForTimeout(300);
    await page.goto(`${base}/bye`);
    const vitals = await waitForEvent("k-vitals", "$web_vitals", (e) => e.event === "$web_vitals");
    await settle();
    expect(named("k-vitals", "$web_vitals")).toHaveLength(1);
    const p = vitals.properties;
    expect(p).toMatchObject({ $pathname: "/vitals", $current_url: `${base}/vitals?key=k-vitals` });
    for (const metric of ["LCP", "INP", "FCP", "TTFB"]) expect(p[`$web_vitals_${metric}_value`], metric).toBeGreaterThan(0);
    expect(p.$web_vitals_INP_value).toBeGreaterThanOrEqual(100);
    expect(p.$web_vitals_CLS_value).toBeGreaterThanOrEqual(0);
  });
});

