import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type { PrismaClient };

export interface Database {
  url: string;
  /** Raw pool for hot paths (COPY, large scans) and graphile-worker. */
  pool: pg.Pool;
  /**
   * A pool for queries people run from the UI (insights): each statement is stopped by the server
   * after INTERACTIVE_STATEMENT_TIMEOUT_MS, so a query that would run for minutes cannot hold
   * connections (and the main pool) while its caller has long gone. Opened on first use.
   */
  readonly interactive: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export const INTERACTIVE_STATEMENT_TIMEOUT_MS = 60_000;

export function connectDatabase(url: string, opts: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? "foresight",
  });
  // A client losing its server (restart, failover) must not crash the process; the next query
  // on that client fails and the pool replaces it.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let interactive: pg.Pool | null = null;
  let closed = false;
  return {
    url,
    pool,
    prisma,
    get interactive() {
      if (!interactive) {
        interactive = new pg.Pool({
          connectionString: url,
          max: Math.min(opts.max ?? 10, 5),
          application_name: `${opts.applicationName ?? "foresight"}-interactive`,
          statement_timeout: INTERACTIVE_STATEMENT_TIMEOUT_MS,
        });
        interactive.on("error", () => {});
        interactive.on("connect", (client) => client.on("error", () => {}));
      }
      return interactive;
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
      if (interactive && !interactive.ended) await interactive.end();
    },
  };
}
