/**
 * Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm) and
 * connects it to PostgreSQL through @prisma/adapter-pg, so Prisma migrations can be created
 * and applied where Prisma's native schema-engine binary cannot be downloaded (see
 * docs/decisions/0001-migrations-offline.md). The migration operations are in ./migrations.ts.
 *
 * @prisma/driver-adapter-utils is imported directly although only @prisma/adapter-pg depends
 * on it: it must be the exact version the adapter was built with (7.10.0).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { withDatabase } from "./ensure-database";

export type { SchemaEngine };

let engineClass: Promise<typeof SchemaEngine> | undefined;

/**
 * On a Rust panic the wasm code stores the panic message in this global before throwing a
 * bare "unreachable" RuntimeError; without it the panic itself crashes the process. Prisma's
 * client installs an equivalent one, which is fine to share.
 */
const globals = globalThis as {
  PRISMA_WASM_PANIC_REGISTRY?: { message?: string; set_message(message: string): void };
};
globals.PRISMA_WASM_PANIC_REGISTRY ??= {
  message: "",
  set_message(message) {
    this.message = message;
  },
};

/**
 * Instantiates the wasm module once per process. The package's own entry point imports the
 * .wasm file as an ES module, which Node 20 only allows behind --experimental-wasm-modules,
 * so the module is instantiated here with its wasm-bindgen glue as the import object.
 */
function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package exports only the glue; the .wasm file sits beside it.
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
    const module = new WebAssembly.Module(await fs.readFile(wasmPath));
    const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine as unknown as typeof SchemaEngine;
  })();
  return engineClass;
}

/**
 * The engine arms a 10 s timer (its timeout for pg_advisory_lock(72707369)) and never clears
 * it, which kept every process alive for 10 s after its last migration command. Unref'd, the
 * timer still fires while the engine waits for the lock (the waiting socket keeps Node alive)
 * but no longer holds the process open.
 */
function withUnrefTimers(imports: WebAssembly.ModuleImports): WebAssembly.ModuleImports {
  const patched = { ...imports };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith("__wbg_setTimeout_")) continue;
    const setTimeoutImport = imports[name] as (cb: () => void, ms: number) => NodeJS.Timeout;
    patched[name] = (cb: () => void, ms: number) => {
      const timer = setTimeoutImport(cb, ms);
      timer.unref?.();
      return timer;
    };
  }
  return patched;
}

/** PostgreSQL's internal single-byte `"char"` type (pg_constraint.contype and the like). */
const CHAR_OID = 18;
/** Any text type: the adapter then accepts the column, and the wrapper below fixes its type. */
const TEXT_OID = 25;

/** Result rows (rowMode "array") -> indexes of their `"char"` columns. */
const charColumns = new WeakMap<object, number[]>();

function relabelChar<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as pg.QueryResult[]) {
    const indexes: number[] = [];
    r?.fields?.forEach((field, i) => {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        indexes.push(i);
      }
    });
    if (indexes.length && r.rows) charColumns.set(r.rows, indexes);
  }
  return result;
}

/**
 * The adapter refuses result columns of type `"char"` (oid 18), which the engine's
 * introspection reads from pg_constraint, and the engine insists on reading them as a
 * character, not as text. pg has already decoded the values as one-letter strings, so this
 * client relabels the columns as text (which the adapter accepts) and remembers them, and
 * `reportCharColumns` then reports them to the engine as character columns.
 */
class CharTolerantClient extends pg.Client {
  // pg's overloads are many; the adapter uses query(config) -> Promise and pg-pool uses
  // query(text, values, callback).
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last] as (err: Error | null, res?: unknown) => void;
      args[last] = (err: Error | null, res?: unknown) => callback(err, res && relabelChar(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const ret = (super.query as (...a: unknown[]) => unknown)(...args);
    return ret instanceof Promise ? ret.then(relabelChar) : ret;
  }
}

function reportCharColumns(result: SqlResultSet): SqlResultSet {
  for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
  return result;
}

async function connectAdapter(url: string): Promise<SqlDriverAdapter> {
  const inner = await new PrismaPg({ connectionString: url, Client: CharTolerantClient }).connect();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: async (q) => reportCharColumns(await inner.queryRaw(q)),
    executeRaw: (q) => inner.executeRaw(q),
    startTransaction: async (level) => {
      const tx = await inner.startTransaction(level);
      const queryRaw = tx.queryRaw.bind(tx);
      tx.queryRaw = async (q) => reportCharColumns(await queryRaw(q));
      return tx;
    },
    getConnectionInfo: () => inner.getConnectionInfo(),
    // The adapter splits scripts on ";" (breaking literals and function bodies that contain
    // one) and runs the pieces one by one. A parameterless query goes over PostgreSQL's simple
    // protocol instead, which runs the whole script as one implicit transaction, as the native
    // engine does.
    executeScript: async (script) => {
      await inner.executeRaw({ sql: script, args: [], argTypes: [] });
    },
    dispose: () => inner.dispose(),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || "postgres";
}

/**
 * Adapter factory for the engine. Unlike PrismaPg.connectToShadowDb, which drops the shadow
 * database while its pool still holds connections (so the drop fails and the database stays),
 * this one closes the pool first and then drops with FORCE. It also remembers every adapter it
 * handed out, so `closeAll` can close whatever the engine did not (say, after a failure).
 */
class PgMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(private readonly url: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await connectAdapter(this.url));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    // PostgreSQL truncates identifiers at 63 bytes; keep the random suffix intact.
    const name = `${databaseName(this.url).slice(0, 40)}_shadow_${randomBytes(6).toString("hex")}`;
    await adminQuery(this.url, `CREATE DATABASE ${quoteIdent(name)}`);
    let adapter: SqlDriverAdapter;
    try {
      adapter = await connectAdapter(withDatabase(this.url, name));
    } catch (err) {
      await adminQuery(this.url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      throw err;
    }
    const dispose = adapter.dispose;
    adapter.dispose = async () => {
      try {
        await dispose();
      } finally {
        await adminQuery(this.url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }
    };
    return this.track(adapter);
  }

  private track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    const dispose = adapter.dispose;
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => {
      this.open.delete(adapter);
      return (disposed ??= dispose());
    };
    this.open.add(adapter);
    return adapter;
  }

  async closeAll(): Promise<void> {
    const results = await Promise.allSettled([...this.open].map((a) => a.dispose()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/**
 * Runs `fn` with a schema engine connected to `databaseUrl`, then frees the engine and closes
 * every pool it opened (dropping shadow databases it left behind). `log` receives the engine's
 * own log lines (JSON), mostly useful when debugging the engine.
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  fn: (engine: SchemaEngine) => Promise<T>,
  opts: { log?: (line: string) => void } = {},
): Promise<T> {
  const Engine = await loadEngineClass();
  const factory = new PgMigrationAdapterFactory(databaseUrl);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    const engine = await Engine.new({ datamodels: undefined }, opts.log ?? (() => {}), bound);
    try {
      outcome = { ok: true, value: await fn(engine) };
    } finally {
      engine.free();
    }
  } catch (err) {
    outcome = { ok: false, error: explain(err, bound.errorRegistry) };
  }
  const closing = factory.closeAll();
  if (!outcome.ok) {
    // The engine's error says more than a failure to clean up after it.
    await closing.catch(() => {});
    throw outcome.error;
  }
  await closing;
  return outcome.value;
}

/**
 * A JS exception inside the adapter reaches the engine as "External error id#N"; the original
 * is in the registry. A Rust panic arrives as a bare "unreachable" with its message stored aside.
 */
function explain(err: unknown, registry: ErrorRegistry): unknown {
  if (!(err instanceof Error)) return err;
  const external = /External error id#(\d+)/.exec(err.message);
  const original = external && registry.consumeError(Number(external[1]))?.error;
  if (original) {
    const reason = original instanceof Error ? original.message : String(original);
    return new Error(`${err.message.split("\n")[0]}: ${reason}`, { cause: original });
  }
  if (err.name === "RuntimeError" && err.message === "unreachable") {
    const message = globals.PRISMA_WASM_PANIC_REGISTRY?.message ?? "";
    return new Error(`the Prisma schema engine panicked: ${message}`, { cause: err });
  }
  return err;
}
