import type { Queryable } from "../../ml/registry/db";

/** Training progress of a version, shown while it is in 'training' (model_versions.progress). */
export interface TrainingProgress {
  step: number;
  of: number;
  note: string;
}

export async function setProgress(pool: Queryable, versionId: string, progress: TrainingProgress): Promise<void> {
  await pool.query(`update model_versions set progress = $2::jsonb where id = $1`, [versionId, JSON.stringify(progress)]);
}
