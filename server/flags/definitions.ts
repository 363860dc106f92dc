import { createHash } from "node:crypto";
import type pg from "pg";
import type { FlagDef } from "./evaluate";
import { toDefinition } from "./store";

export interface ProjectFlags {
  flags: FlagDef[];
  byKey: Map<string, FlagDef>;
  /** Cohorts any live flag's conditions name (the person lookup fetches only these memberships). */
  cohortIds: string[];
  /** The version stamp the cache compares; changes whenever any flag row changes. */
  stamp: string;
  etag: string;
  /** The body of GET /api/flags/definitions, serialised once per version. */
  body: string;
}

interface Entry {
  value: Promise<ProjectFlags>;
  checkedAt: number;
  stale: boolean;
  revalidating: boolean;
}

const STAMP_SQL = `select count(*)::int as n, coalesce(sum(version), 0)::text as versions,
                          coalesce(max(updated_at), 'epoch')::text as at
                     from feature_flags where project_id = $1`;

/**
 * Live (non-archived) flag definitions per project, kept in memory. This process's own writes
 * drop a project's entry at once (`invalidate`); changes made elsewhere (the worker applying a
 * scheduled change, another web process) are noticed by comparing a cheap version stamp
 * (count, sum of versions, newest updated_at) at most once per `revalidateMs`, in the background:
 * requests keep the cached set meanwhile, so they are a check's round trip late at worst.
 */
export class FlagDefinitionsCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly revalidateMs = 1000,
  ) {}

  invalidate(projectId?: string): void {
    if (projectId === undefined) this.entries.clear();
    else {
      const e = this.entries.get(projectId);
      if (e) e.stale = true;
    }
  }

  async get(projectId: string): Promise<ProjectFlags> {
    const now = Date.now();
    const e = this.entries.get(projectId);
    if (e && !e.stale) {
      // Stale-while-revalidate: requests never wait for the version check, only for a first load
      // or after this process's own change.
      if (now - e.checkedAt >= this.revalidateMs && !e.revalidating) {
        e.checkedAt = now;
        e.revalidating = true;
        void this.revalidate(projectId, e).finally(() => (e.revalidating = false));
      }
      return e.value;
    }
    const value = this.load(projectId);
    this.entries.set(projectId, { value, checkedAt: now, stale: false, revalidating: false });
    value.catch(() => this.entries.delete(projectId));
    return value;
  }

  private async revalidate(projectId: string, e: Entry): Promise<void> {
    try {
      const [stamp, cached] = await Promise.all([this.stamp(projectId), e.value]);
      if (cached.stamp === stamp) return;
      const fresh = await this.load(projectId);
      if (this.entries.get(projectId) === e && !e.stale) e.value = Promise.resolve(fresh);
    } catch {
      // Keep serving what we have; the next check retries.
    }
  }

  private async stamp(projectId: string): Promise<string> {
    const { rows } = await this.pool.query(STAMP_SQL, [projectId]);
    return `${rows[0].n}:${rows[0].versions}:${rows[0].at}`;
  }

  private async load(projectId: string): Promise<ProjectFlags> {
    // Stamp first: a change landing between the two reads makes the next check reload.
    const stamp = await this.stamp(projectId);
    const { rows } = await this.pool.query(
      `select key, type, enabled, rules, variants, payloads, environments
         from feature_flags where project_id = $1 and archived_at is null order by key`,
      [projectId],
    );
    const flags = rows.map((r) => toDefinition(r));
    const cohortIds = new Set<string>();
    for (const f of flags) for (const r of f.rules) for (const c of r.conditions) if (c.type === "cohort") cohortIds.add(c.cohortId);
    const body = JSON.stringify({ flags });
    const etag = `"${createHash("sha1").update(body).digest("hex").slice(0, 27)}"`;
    return { flags, byKey: new Map(flags.map((f) => [f.key, f])), cohortIds: [...cohortIds], stamp, etag, body };
  }
}
