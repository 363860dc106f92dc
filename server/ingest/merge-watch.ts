import type { PersonCache } from "./person-cache";
import { isUuid } from "./uuid";

/**
 * Every writer transaction holds a shared advisory lock per project it writes to; a merge takes
 * the exclusive one (mergePersons). So a merge waits for writers in flight and its events update
 * then sees their events; a writer that starts later must not use a merged-away person from its
 * cache (the merge may have run in another process): the same round trip that begins the
 * transaction lists the project's recent merges, and those persons are dropped from the cache
 * before persons are resolved. Advisory locks live in memory: no heap or WAL writes.
 */
/** How far back each transaction looks for merges: far longer than any merge transaction. */
const MERGE_LOOKBACK_MS = 60_000;

export class MergeWatch {
  private since = new Map<string, number>();

  /**
   * `begin`, the shared project locks and the recent-merge queries, in one round trip. Project
   * ids come from our own projects table (never from a request) and are checked to be UUIDs
   * before they are quoted; the times are numbers.
   */
  beginSql(projectIds: Iterable<string>, exclusive = false): { sql: string; projects: string[] } {
    const projects = [...new Set(projectIds)];
    const parts = ["begin;"];
    for (const p of projects) {
      if (!isUuid(p)) throw new Error(`not a project id: ${p}`);
      // Exclusive when retrying after a deadlock: two writers that both hold the shared lock and
      // both need to merge would otherwise wait for each other again.
      parts.push(`select pg_advisory_xact_lock${exclusive ? "" : "_shared"}(hashtextextended('${p}', 7));`);
    }
    for (const p of projects) {
      const since = Math.floor((this.since.get(p) ?? 0) - MERGE_LOOKBACK_MS);
      parts.push(
        `select from_person_id, (extract(epoch from clock_timestamp()) * 1000)::float8 as now from person_merges where project_id = '${p}' and merged_at > to_timestamp(${since} / 1000.0)` +
          ` union all select null, (extract(epoch from clock_timestamp()) * 1000)::float8;`,
      );
    }
    return { sql: parts.join(" "), projects };
  }

  /**
   * Reads the merge queries' results into the cache. `results` are those of the statements
   * beginSql returned: `begin`, one lock per project, then one merge query per project.
   */
  apply(results: Array<{ rows: Array<{ from_person_id: string | null; now: number }> }>, projects: string[], cache: PersonCache) {
    const merges = results.slice(1 + projects.length, 1 + 2 * projects.length);
    merges.forEach((r, i) => {
      for (const row of r.rows) {
        if (row.from_person_id) cache.merged(row.from_person_id);
        else this.since.set(projects[i]!, row.now);
      }
    });
  }
}
