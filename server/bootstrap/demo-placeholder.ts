import type { PrismaClient } from "../db/generated/client";
import { audit } from "../auth/audit";

const MARK = "demo_data_loaded_at";

/**
 * Placeholder demo data, loaded once per database: a sample travel project and a first audit
 * entry. The ingestion issue replaces this with the real event generator; the once-only marker
 * in `instance_meta` stays the same so a restart never re-seeds.
 */
export async function loadDemoPlaceholder(db: PrismaClient, defaultProjectId: string): Promise<boolean> {
  return await db.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      insert into instance_meta (key, value, updated_at) values (${MARK}, to_jsonb(now()), now())
      on conflict (key) do nothing`;
    if (inserted === 0) return false;
    await tx.project.update({ where: { id: defaultProjectId }, data: { name: "Travel demo", timezone: "Europe/London" } });
    await audit(tx as unknown as PrismaClient, {
      actorId: null,
      action: "demo.loaded",
      targetType: "project",
      targetId: defaultProjectId,
      projectId: defaultProjectId,
      details: { kind: "placeholder" },
    });
    return true;
  });
}
