import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type { PrismaClient };

export interface Database {
  url: string;
  /** Raw pool for hot paths (COPY, large scans) and graphile-worker. */
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

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
  let closed = false;
  return {
    url,
    pool,
    prisma,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    },
  };
}
