import type pg from "pg";
import { sha256 } from "../auth/tokens";
import { CaptureError } from "./capture-error";

export interface CaptureProject {
  id: string;
  ipMode: "keep" | "truncate" | "drop";
  cookieless: boolean;
  respectDnt: boolean;
  strictEvents: boolean;
  rateLimitPerSec: number;
}

interface Entry {
  project: CaptureProject | null;
  at: number;
}

/**
 * Write key -> project settings, cached so capture does not query per request. While the
 * database is away, keys seen before keep working (their events go to the spool); an unknown
 * key then gets 503, since it cannot be checked.
 */
export class ProjectKeyCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = 30_000,
    private readonly negativeTtlMs = 5_000,
  ) {}

  async resolve(key: string | null): Promise<CaptureProject> {
    if (!key) throw new CaptureError(401, "api_key", "is missing: send the project's write key as api_key or Authorization: Bearer");
    if (key.length > 200) throw new CaptureError(401, "api_key", "is not a valid write key");
    const hash = sha256(key);
    const cached = this.entries.get(hash);
    const now = Date.now();
    if (cached && now - cached.at < (cached.project ? this.ttlMs : this.negativeTtlMs)) return this.check(cached.project);
    try {
      const project = await this.load(hash);
      this.entries.set(hash, { project, at: now });
      if (this.entries.size > 10_000) this.entries.delete(this.entries.keys().next().value!);
      return this.check(project);
    } catch (err) {
      if (err instanceof CaptureError) throw err;
      if (cached?.project) return cached.project;
      throw new CaptureError(503, "database", "is unavailable and this key has not been seen yet; retry later", 5);
    }
  }

  /** Settings of a project by id (bulk ingest, which has no key). */
  async byProjectId(projectId: string): Promise<CaptureProject> {
    const { rows } = await this.pool.query(
      `select id, ip_mode, cookieless, respect_dnt, strict_events, rate_limit_per_sec from projects where id = $1`,
      [projectId],
    );
    if (!rows[0]) throw new Error(`no project ${projectId}`);
    return toProject(rows[0]);
  }

  /** Forget cached settings (after a project's settings change). */
  invalidate(): void {
    this.entries.clear();
  }

  private check(project: CaptureProject | null): CaptureProject {
    if (!project) throw new CaptureError(401, "api_key", "is not a valid write key for any project");
    return project;
  }

  private async load(hash: string): Promise<CaptureProject | null> {
    const { rows } = await this.pool.query(
      `update api_keys k set last_used_at = now()
         from projects p
        where k.key_hash = $1 and k.kind = 'write' and k.revoked_at is null and p.id = k.project_id
       returning p.id, p.ip_mode, p.cookieless, p.respect_dnt, p.strict_events, p.rate_limit_per_sec`,
      [hash],
    );
    return rows[0] ? toProject(rows[0]) : null;
  }
}

function toProject(r: Record<string, any>): CaptureProject {
  return {
    id: r.id,
    ipMode: r.ip_mode,
    cookieless: r.cookieless,
    respectDnt: r.respect_dnt,
    strictEvents: r.strict_events,
    rateLimitPerSec: r.rate_limit_per_sec,
  };
}
