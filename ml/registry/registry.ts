import { inTransaction, type PoolLike, type Queryable } from "./db";

/**
 * Model versions in `model_versions`. Life of a version:
 *   beginVersion (status 'training', never active) -> training runs outside any transaction ->
 *   completeVersion (one UPDATE: metrics, params, artifact, status 'ready') -> promote.
 * promote and rollback each run in one transaction under a transaction-scoped advisory lock per
 * (project, kind, target), so at most one version is active and a crash at any point leaves the
 * previous active version in place: a killed training leaves a 'training' row (abandonStale marks
 * it 'failed'), a failure inside promote rolls back both of its UPDATEs.
 */
export interface ModelKey {
  projectId: string | null;
  kind: string;
  target: string;
}

export interface BacktestMetrics {
  mase: number;
  smape?: number;
  coverage80?: number;
  coverage95?: number;
  [k: string]: unknown;
}

export interface ModelVersionRow {
  id: string;
  projectId: string | null;
  kind: string;
  target: string;
  version: number;
  status: string;
  active: boolean;
  params: Record<string, unknown>;
  metrics: BacktestMetrics | Record<string, never>;
  liveMetrics: Record<string, unknown>;
  artifact: Buffer | null;
  artifactMeta: Record<string, unknown> | null;
  trainingFrom: Date | null;
  trainingTo: Date | null;
  createdAt: Date;
  promotedAt: Date | null;
  error: string | null;
}

const COLUMNS = `id, project_id AS "projectId", kind, target, version, status, active, params, metrics,
  live_metrics AS "liveMetrics", artifact, artifact_meta AS "artifactMeta", training_from AS "trainingFrom",
  training_to AS "trainingTo", created_at AS "createdAt", promoted_at AS "promotedAt", error`;

const SAME_KEY = `project_id IS NOT DISTINCT FROM $1::uuid AND kind = $2 AND target = $3`;

async function lockKey(c: Queryable, key: ModelKey): Promise<void> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('model_versions:' || coalesce($1::text, '-') || ':' || $2 || ':' || $3, 0))`, [
    key.projectId,
    key.kind,
    key.target,
  ]);
}

export interface BeginInput extends ModelKey {
  params?: Record<string, unknown>;
  trainingFrom?: Date | null;
  trainingTo?: Date | null;
}

/** Reserves the next version number with status 'training'. */
export function beginVersion(pool: PoolLike, input: BeginInput): Promise<{ id: string; version: number }> {
  return inTransaction(pool, async (c) => {
    await lockKey(c, input);
    const { rows } = await c.query<{ id: string; version: number }>(
      `INSERT INTO model_versions (id, project_id, kind, target, version, status, params, training_from, training_to)
       SELECT gen_random_uuid(), $1::uuid, $2, $3, coalesce(max(version), 0) + 1, 'training', $4::jsonb, $5, $6
         FROM model_versions WHERE ${SAME_KEY}
       RETURNING id, version`,
      [input.projectId, input.kind, input.target, JSON.stringify(input.params ?? {}), input.trainingFrom ?? null, input.trainingTo ?? null],
    );
    return rows[0]!;
  });
}

export interface CompleteInput {
  metrics: BacktestMetrics;
  params?: Record<string, unknown>;
  artifact?: Uint8Array | null;
  artifactMeta?: Record<string, unknown> | null;
}

/** Stores what training produced and marks the version 'ready' (one statement: all or nothing). */
export async function completeVersion(pool: Queryable, id: string, input: CompleteInput): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE model_versions SET status = 'ready', metrics = $2::jsonb, params = coalesce($3::jsonb, params),
       artifact = $4, artifact_meta = $5::jsonb, error = NULL
     WHERE id = $1 AND status = 'training'`,
    [id, JSON.stringify(input.metrics), input.params ? JSON.stringify(input.params) : null, input.artifact ? Buffer.from(input.artifact) : null, input.artifactMeta ? JSON.stringify(input.artifactMeta) : null],
  );
  if (rowCount !== 1) throw new Error(`model version ${id} is not in training`);
}

export async function failVersion(pool: Queryable, id: string, error: string): Promise<void> {
  await pool.query(`UPDATE model_versions SET status = 'failed', error = $2 WHERE id = $1 AND status = 'training'`, [id, error.slice(0, 2000)]);
}

/** Marks versions left in 'training' for longer than `olderThanMs` (killed trainings) as failed. */
export async function abandonStale(pool: Queryable, key: ModelKey, olderThanMs: number): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE model_versions SET status = 'failed', error = 'abandoned: training did not complete'
     WHERE ${SAME_KEY} AND status = 'training' AND created_at < now() - make_interval(secs => $4)`,
    [key.projectId, key.kind, key.target, olderThanMs / 1000],
  );
  return rowCount ?? 0;
}

export interface PromoteOptions {
  /** Metric compared with the active version's (default "mase"). */
  metric?: string;
  /** Default true: lower is better (MASE, sMAPE). */
  lowerIsBetter?: boolean;
  /** Promote even if it does not beat the active version (a manual override). */
  force?: boolean;
}

export interface PromoteResult {
  promoted: boolean;
  reason: string;
  previousId: string | null;
}

/**
 * Makes a 'ready' version active if it beats the active one on the backtest metric (strictly),
 * or if there is no active version. One transaction: the old version is deactivated and the new
 * one activated together or not at all.
 */
export function promote(pool: PoolLike, id: string, opts: PromoteOptions = {}): Promise<PromoteResult> {
  const metric = opts.metric ?? "mase";
  const lower = opts.lowerIsBetter ?? true;
  return inTransaction(pool, async (c) => {
    const cand = await c.query<ModelVersionRow>(`SELECT ${COLUMNS} FROM model_versions WHERE id = $1`, [id]);
    const v = cand.rows[0];
    if (!v) throw new Error(`model version ${id} does not exist`);
    await lockKey(c, v);
    const fresh = await c.query<{ status: string; active: boolean }>(`SELECT status, active FROM model_versions WHERE id = $1 FOR UPDATE`, [id]);
    if (fresh.rows[0]!.status !== "ready") return { promoted: false, reason: `status is ${fresh.rows[0]!.status}`, previousId: null };
    if (fresh.rows[0]!.active) return { promoted: false, reason: "already active", previousId: id };
    const act = await c.query<ModelVersionRow>(`SELECT ${COLUMNS} FROM model_versions WHERE ${SAME_KEY} AND active FOR UPDATE`, [v.projectId, v.kind, v.target]);
    const current = act.rows[0] ?? null;
    if (current && !opts.force) {
      const mine = Number((v.metrics as Record<string, unknown>)[metric]);
      const theirs = Number((current.metrics as Record<string, unknown>)[metric]);
      if (!Number.isFinite(mine)) return { promoted: false, reason: `candidate has no ${metric}`, previousId: current.id };
      if (Number.isFinite(theirs) && !(lower ? mine < theirs : mine > theirs)) {
        return { promoted: false, reason: `${metric} ${mine} does not beat active version ${current.version} (${theirs})`, previousId: current.id };
      }
    }
    if (current) await c.query(`UPDATE model_versions SET active = false WHERE id = $1`, [current.id]);
    await c.query(`UPDATE model_versions SET active = true, promoted_at = now() WHERE id = $1`, [id]);
    return { promoted: true, reason: current ? `beats version ${current.version}` : "first active version", previousId: current?.id ?? null };
  });
}

/**
 * Re-activates the version that was active before the current one (the most recently promoted
 * 'ready' version other than the current). The current one stays 'ready' but inactive, with its
 * promoted_at cleared so a second rollback goes one further back.
 */
export function rollback(pool: PoolLike, key: ModelKey): Promise<{ from: number; to: number }> {
  return inTransaction(pool, async (c) => {
    await lockKey(c, key);
    const act = await c.query<{ id: string; version: number; promotedAt: Date }>(
      `SELECT id, version, promoted_at AS "promotedAt" FROM model_versions WHERE ${SAME_KEY} AND active FOR UPDATE`,
      [key.projectId, key.kind, key.target],
    );
    const current = act.rows[0];
    if (!current) throw new Error("rollback: no active version");
    const prev = await c.query<{ id: string; version: number }>(
      `SELECT id, version FROM model_versions WHERE ${SAME_KEY} AND NOT active AND status = 'ready' AND promoted_at IS NOT NULL
       ORDER BY promoted_at DESC, version DESC LIMIT 1 FOR UPDATE`,
      [key.projectId, key.kind, key.target],
    );
    const to = prev.rows[0];
    if (!to) throw new Error("rollback: no earlier promoted version");
    await c.query(`UPDATE model_versions SET active = false, promoted_at = NULL WHERE id = $1`, [current.id]);
    await c.query(`UPDATE model_versions SET active = true WHERE id = $1`, [to.id]);
    return { from: current.version, to: to.version };
  });
}

export async function activeVersion(pool: Queryable, key: ModelKey): Promise<ModelVersionRow | null> {
  const { rows } = await pool.query<ModelVersionRow>(`SELECT ${COLUMNS} FROM model_versions WHERE ${SAME_KEY} AND active`, [key.projectId, key.kind, key.target]);
  return rows[0] ?? null;
}

export async function getVersion(pool: Queryable, id: string): Promise<ModelVersionRow | null> {
  const { rows } = await pool.query<ModelVersionRow>(`SELECT ${COLUMNS} FROM model_versions WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Versions of a key, newest first, without artifacts (for model history pages). */
export async function listVersions(pool: Queryable, key: ModelKey): Promise<Omit<ModelVersionRow, "artifact">[]> {
  const { rows } = await pool.query<ModelVersionRow>(
    `SELECT ${COLUMNS.replace("artifact,", "NULL::bytea AS artifact,")} FROM model_versions WHERE ${SAME_KEY} ORDER BY version DESC`,
    [key.projectId, key.kind, key.target],
  );
  return rows.map(({ artifact: _a, ...r }) => r);
}
