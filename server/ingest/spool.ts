import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { IngestRow } from "./ingest-row";

const FILE_RE = /^spool-(\d{12})\.log$/;

/**
 * Append-only files of accepted batches, written while the database is away. Each line is
 * `<sha1 of json> <json array of rows>`; an append resolves only after fsync, so an
 * acknowledged batch survives a crash. A torn last line (a crash mid-append, never
 * acknowledged) fails its checksum and is skipped on replay.
 */
export class Spool {
  private seq: number;
  private handle: fs.FileHandle | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Appends started and not yet fsynced. */
  pendingAppends = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.seq = Math.max(0, ...this.files().map((f) => Number(f.match(FILE_RE)![1]))) + 1;
  }

  /** Spool files in replay order (oldest first). */
  files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => FILE_RE.test(f)).sort();
  }

  hasData(): boolean {
    return this.files().length > 0;
  }

  /** Spool files waiting for replay and their total size (for the monitoring gauge). */
  pending(): { files: number; bytes: number } {
    let bytes = 0;
    const files = this.files();
    for (const f of files) {
      try {
        bytes += statSync(path.join(this.dir, f)).size;
      } catch {
        // Replayed and removed meanwhile.
      }
    }
    return { files: files.length, bytes };
  }

  /** Appends one batch durably; appends are serialized so lines never interleave. */
  append(rows: IngestRow[]): Promise<void> {
    const json = JSON.stringify(rows);
    const line = createHash("sha1").update(json).digest("hex") + " " + json + "\n";
    this.pendingAppends++;
    const next = this.writing.then(async () => {
      if (!this.handle) {
        this.handle = await fs.open(path.join(this.dir, `spool-${String(this.seq).padStart(12, "0")}.log`), "a");
      }
      await this.handle.write(line);
      await this.handle.sync();
    });
    this.writing = next.catch(() => {}).finally(() => this.pendingAppends--);
    return next;
  }

  /** Closes the current file so later appends start a new one; returns the files to replay. */
  rotate(): Promise<string[]> {
    const done = this.writing.then(async () => {
      if (this.handle) {
        await this.handle.close();
        this.handle = null;
        this.seq++;
      }
      return this.files();
    });
    this.writing = done.then(() => {}, () => {});
    return done;
  }

  /** Batches stored in `file`, in order, skipping a torn or corrupt tail. */
  async *read(file: string): AsyncGenerator<IngestRow[]> {
    const text = await fs.readFile(path.join(this.dir, file), "utf8");
    for (const line of text.split("\n")) {
      if (!line) continue;
      const space = line.indexOf(" ");
      const json = line.slice(space + 1);
      if (space !== 40 || createHash("sha1").update(json).digest("hex") !== line.slice(0, 40)) break;
      yield JSON.parse(json) as IngestRow[];
    }
  }

  async remove(file: string): Promise<void> {
    await fs.rm(path.join(this.dir, file), { force: true });
  }

  async close(): Promise<void> {
    await this.writing;
    await this.handle?.close();
    this.handle = null;
  }
}
