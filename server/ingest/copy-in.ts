import type pg from "pg";

/** The parts of pg's Connection a submittable query uses. */
interface Connection {
  query(text: string): void;
  stream: { write(b: Buffer): boolean };
}

const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);
/** One CopyData message carries at most this much (PostgreSQL accepts up to 1 GB; smaller keeps memory flat). */
const CHUNK = 1 << 20;

/**
 * `copy ... from stdin; <more statements>` as one simple query, with the COPY data and CopyDone
 * written right behind the query text instead of after PostgreSQL's CopyInResponse: the COPY
 * and the statements after it (the commit, say) cost one round trip. The protocol allows it:
 * statements of a simple query run in turn, the COPY reads the data already sent, and if
 * anything fails first the backend skips the rest of the query and ignores copy messages that
 * arrive outside copy mode. Resolves with the command tags ("COPY 1000", "COMMIT", ...);
 * rejects with the first error.
 */
class CopyInThenStatements {
  private tags: string[] = [];
  private settled = false;
  readonly done: Promise<string[]>;
  private resolve!: (tags: string[]) => void;
  private reject!: (err: Error) => void;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection) {
    connection.query(this.text);
    for (let at = 0; at < this.data.length; at += CHUNK) {
      const chunk = this.data.subarray(at, at + CHUNK);
      const head = Buffer.allocUnsafe(5);
      head[0] = 0x64; // CopyData
      head.writeUInt32BE(chunk.length + 4, 1);
      connection.stream.write(head);
      connection.stream.write(chunk);
    }
    connection.stream.write(COPY_DONE);
  }

  handleCopyInResponse() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCommandComplete(msg: { text: string }) {
    this.tags.push(msg.text);
  }
  handleError(err: Error) {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }
  handleReadyForQuery() {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.tags);
  }
  /** pg calls this on some paths (timeouts); the promise above is what callers use. */
  callback() {}
}

/**
 * Runs `copySql` (a `copy ... from stdin` statement) with `data` as its input, then `after`
 * (more statements, `;`-separated, or ""), in one round trip. Returns the command tags.
 */
export function copyInThen(client: pg.PoolClient, copySql: string, data: Buffer, after: string): Promise<string[]> {
  const q = new CopyInThenStatements(after ? `${copySql}; ${after}` : copySql, data);
  void client.query(q as unknown as pg.QueryConfig);
  return q.done;
}
