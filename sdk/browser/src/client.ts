import { BrowserFlags } from "./flags.js";
import { watchNavigation } from "./navigation.js";
import { doNotTrack, initialProperties, pageProperties, utmParams } from "./page.js";
import { PersonStore, freshPerson } from "./person.js";
import { EventQueue } from "./queue.js";
import { Sender } from "./sender.js";
import { currentSession } from "./session.js";
import { type KeyValue, cookieStore, memoryStore, webStorage } from "./storage.js";
import { TabIds } from "./tab.js";
import type { BrowserOptions, CaptureEvent, CaptureOptions, Properties } from "./types.js";
import { uuidv7 } from "./uuid.js";
import { LIB, LIB_VERSION } from "./version.js";
import { VitalsCollector } from "./vitals.js";

type Settings = Required<Omit<BrowserOptions, "flagPersonProperties" | "flagEnvironment">>;

interface Runtime {
  o: Settings;
  keys: { consent: string };
  /** Where identity lives once allowed to store anything; also holds the consent decision. */
  backend: KeyValue;
  allowed: boolean;
  persons: PersonStore;
  tab: TabIds;
  queue: EventQueue;
  sender: Sender;
  vitals?: VitalsCollector;
  flags: BrowserFlags;
  /** UTM parameters of the URL this page was loaded with. */
  utm: Properties;
  lastPathname: string;
  pageviewSent: boolean;
  flushTimer?: ReturnType<typeof setTimeout>;
}

const warn = (message: string) => console.warn(`[foresight] ${message}`);

function settings(o: BrowserOptions, host: string): Settings {
  return {
    host: host.replace(/\/+$/, ""),
    autocapturePageviews: o.autocapturePageviews ?? true,
    persistence: o.persistence ?? "localStorage",
    batchSize: Math.min(1000, Math.max(1, o.batchSize ?? 50)),
    flushIntervalMs: Math.max(0, o.flushIntervalMs ?? 2000),
    respectDnt: o.respectDnt ?? true,
    requireConsent: o.requireConsent ?? false,
    captureWebVitals: o.captureWebVitals ?? true,
    maxAttempts: Math.max(1, o.maxAttempts ?? 10),
    loadFeatureFlags: o.loadFeatureFlags ?? true,
  };
}

export class ForesightBrowser {
  private r?: Runtime;

  /** `defaultHost`: where events go when `init()` names no host (the script tag's origin). */
  constructor(private readonly defaultHost?: string) {}

  init(apiKey: string, options: BrowserOptions = {}): void {
    if (this.r) return warn("init() was called twice; keeping the first configuration");
    if (typeof window === "undefined" || typeof document === "undefined") return;
    if (typeof apiKey !== "string" || !apiKey) return warn("init() needs the project's write key");
    const o = settings(options, options.host ?? this.defaultHost ?? location.origin);
    const prefix = `fs_${apiKey.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32)}_`;
    const backend =
      o.persistence === "memory" ? memoryStore() : o.persistence === "cookie" ? cookieStore() : (webStorage("localStorage") ?? cookieStore());
    const decision = backend.get(`${prefix}consent`);
    const queue = new EventQueue(`${prefix}queue_`);
    const base: Omit<Runtime, "flags"> = {
      o,
      keys: { consent: `${prefix}consent` },
      backend,
      allowed: decision ? decision === "granted" : !(o.requireConsent || (o.respectDnt && doNotTrack())),
      // Until storing is allowed, identity lives in memory only.
      persons: new PersonStore(memoryStore(), `${prefix}person`),
      tab: new TabIds(`${prefix}tab`),
      queue,
      sender: new Sender(queue, { url: `${o.host}/api/capture`, apiKey, batchSize: o.batchSize, maxAttempts: o.maxAttempts, warn }),
      utm: utmParams(location.search),
      lastPathname: location.pathname,
      pageviewSent: false,
    };
    // Flags are cached under the key's prefix in localStorage once storing is allowed (in memory
    // before that, and always with persistence "memory"; never in a cookie, which every request would carry).
    const flagsMemory = memoryStore();
    const flagsDisk = o.persistence === "memory" ? null : webStorage("localStorage");
    const flagsStore = (): KeyValue => (base.allowed && flagsDisk ? flagsDisk : flagsMemory);
    // The flags read their cache at construction, from the store consent allows (base becomes r, so
    // a later optIn / optOut switches the store too).
    const flags = new BrowserFlags(
      { capture: (event, properties) => this.capture(event, properties), getDistinctId: () => this.getDistinctId(), getSessionId: () => this.getSessionId(), isCapturing: () => this.r?.allowed === true },
      {
        apiKey,
        host: o.host,
        personProperties: options.flagPersonProperties,
        environment: options.flagEnvironment,
        loadOnStart: false,
        storage: {
          get: (k) => flagsStore().get(prefix + k),
          set: (k, v) => flagsStore().set(prefix + k, v),
          remove: (k) => flagsStore().remove(prefix + k),
          keys: () => flagsStore().keys().filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
        },
      },
    );
    const r: Runtime = (this.r = Object.assign(base, { flags }));
    if (r.allowed) this.persist(r);
    const restored = r.queue.size > 0;
    this.listen(r);
    if (o.captureWebVitals) r.vitals = new VitalsCollector((props) => this.capture("$web_vitals", props));
    if (o.autocapturePageviews) {
      this.capturePageview(r);
      watchNavigation(() => location.pathname !== r.lastPathname && this.capturePageview(r));
    }
    // Events left over from an earlier page go out now rather than after the first interval.
    if (restored) void r.sender.send();
    if (o.loadFeatureFlags) void r.flags.reload();
  }

  /** The feature flags of the current person (undefined before init). */
  flags(): BrowserFlags | undefined {
    return this.runtime()?.flags;
  }

  capture(event: string, properties: Properties = {}, options: CaptureOptions = {}): void {
    const r = this.runtime();
    if (!r?.allowed) return;
    if (typeof event !== "string" || !event) return warn("capture() needs an event name");
    const now = Date.now();
    const person = r.persons.read();
    const session = currentSession(person.session, now, uuidv7, true);
    const page = pageProperties();
    const setOnce = person.initialSent ? options.$set_once : { ...initialProperties(page, r.utm), ...options.$set_once };
    const e: CaptureEvent = {
      event,
      distinct_id: person.distinctId,
      timestamp: new Date(now).toISOString(),
      uuid: uuidv7(now),
      properties: {
        ...page,
        ...r.utm,
        ...person.superProps,
        ...properties,
        $lib: LIB,
        $lib_version: LIB_VERSION,
        $session_id: session.id,
        $window_id: r.tab.windowId(session.id),
      },
    };
    if (options.$set) e.$set = options.$set;
    if (setOnce) e.$set_once = setOnce;
    try {
      JSON.stringify(e);
    } catch {
      return warn(`"${event}" has properties that cannot be sent as JSON; dropped it`);
    }
    r.persons.write({ ...person, session, initialSent: true });
    r.queue.push(e);
    this.scheduleSend(r);
  }

  identify(distinctId: string, $set?: Properties, $set_once?: Properties): void {
    const r = this.runtime();
    if (!r) return;
    if (typeof distinctId !== "string" || !distinctId) return warn("identify() needs a distinct id");
    const person = r.persons.read();
    if (distinctId === person.distinctId) {
      if ($set || $set_once) this.capture("$set", {}, { $set, $set_once });
      return;
    }
    r.persons.write({ ...person, distinctId, anonymous: false });
    // Only an anonymous id is merged into the person; switching between two known users is not a merge.
    this.capture("$identify", person.anonymous ? { $anon_distinct_id: person.distinctId } : {}, { $set, $set_once });
    // The new id's flags: the server evaluates them for the merged person.
    void r.flags.reload($set);
  }

  alias(alias: string): void {
    const r = this.runtime();
    if (!r || typeof alias !== "string" || !alias || alias === r.persons.read().distinctId) return;
    this.capture("$create_alias", { alias });
  }

  /** Forgets the visitor (log out): new anonymous id, new session, no super properties. */
  reset(): void {
    const r = this.runtime();
    if (!r) return;
    r.persons.write(freshPerson());
    void r.flags.reload();
  }

  register(properties: Properties): void {
    const r = this.runtime();
    if (!r) return;
    const person = r.persons.read();
    r.persons.write({ ...person, superProps: { ...person.superProps, ...properties } });
  }

  optOut(): void {
    const r = this.runtime();
    if (!r) return;
    r.backend.set(r.keys.consent, "denied");
    if (!r.allowed) return;
    r.allowed = false;
    clearTimeout(r.flushTimer);
    r.flushTimer = undefined;
    r.vitals?.discard();
    r.queue.clear();
    r.queue.attach(null, r.tab.tabId);
    r.tab.attach(null);
    r.persons.moveTo(memoryStore(), true);
  }

  optIn(): void {
    const r = this.runtime();
    if (!r) return;
    r.backend.set(r.keys.consent, "granted");
    if (r.allowed) return;
    r.allowed = true;
    this.persist(r);
    this.capture("$opt_in");
    if (r.o.autocapturePageviews && !r.pageviewSent) this.capturePageview(r);
  }

  setConsent(granted: boolean): void {
    if (granted) this.optIn();
    else this.optOut();
  }

  /** Sends everything queued now, ignoring any backoff in progress. */
  flush(): Promise<void> {
    const r = this.runtime();
    if (!r?.allowed) return Promise.resolve();
    clearTimeout(r.flushTimer);
    r.flushTimer = undefined;
    return r.sender.send(true);
  }

  getDistinctId(): string {
    return this.r?.persons.read().distinctId ?? "";
  }

  getSessionId(): string {
    const r = this.r;
    if (!r) return "";
    const person = r.persons.read();
    const session = currentSession(person.session, Date.now(), uuidv7, false);
    if (session !== person.session) r.persons.write({ ...person, session });
    return session.id;
  }

  private runtime(): Runtime | undefined {
    if (!this.r) warn("call init() first");
    return this.r;
  }

  private persist(r: Runtime) {
    const keep = r.o.persistence !== "memory";
    r.persons.moveTo(r.backend, false);
    r.tab.attach(keep ? webStorage("sessionStorage") : null);
    r.queue.attach(keep ? webStorage("localStorage") : null, r.tab.tabId);
  }

  private capturePageview(r: Runtime) {
    r.lastPathname = location.pathname;
    if (!r.allowed) return;
    r.pageviewSent = true;
    this.capture("$pageview", { title: document.title });
  }

  private scheduleSend(r: Runtime) {
    if (r.queue.size >= r.o.batchSize) {
      clearTimeout(r.flushTimer);
      r.flushTimer = undefined;
      void r.sender.send();
    } else if (r.flushTimer === undefined) {
      r.flushTimer = setTimeout(() => {
        r.flushTimer = undefined;
        void r.sender.send();
      }, r.o.flushIntervalMs);
    }
  }

  private listen(r: Runtime) {
    addEventListener("pagehide", () => {
      if (r.o.autocapturePageviews && r.allowed) this.capture("$pageleave");
      r.sender.beaconAll();
    });
    // A bubble-phase listener on window runs after web-vitals' capture-phase ones, so INP and CLS
    // have been reported into the buffer by the time it is flushed here.
    addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "hidden") return;
      r.vitals?.flush();
      r.sender.beaconAll();
    });
    addEventListener("pageshow", (e) => {
      if (e.persisted && r.o.autocapturePageviews) this.capturePageview(r);
    });
    addEventListener("online", () => void r.sender.send(true));
  }
}
