import type { Config } from "../config";
import type { PrismaClient } from "../db/generated/client";
import { findApiKey, storeApiKey } from "../auth/api-keys";
import { generatePassword, hashPassword } from "../auth/password";
import { createProject } from "../projects/create-project";

export interface FirstRunReport {
  admin: { email: string; password: string | null } | null;
  project: { name: string; writeKey: string | null; secretKey: string | null } | null;
}

/**
 * Makes a fresh database usable: the first admin and a default project with keys (demo data is
 * loaded after the web server is up: server/bootstrap/demo-data.ts).
 * Idempotent: on later starts it creates nothing, except keys fixed by env that are missing.
 * Generated secrets are returned so the caller can print them once.
 */
export async function firstRun(db: PrismaClient, config: Config): Promise<FirstRunReport> {
  const report: FirstRunReport = { admin: null, project: null };

  if ((await db.user.count()) === 0) {
    const email = (config.FORESIGHT_ADMIN_EMAIL ?? "admin@foresight.local").toLowerCase();
    const password = config.FORESIGHT_ADMIN_PASSWORD ?? generatePassword();
    await db.user.create({
      data: { email, name: "Admin", role: "admin", passwordHash: await hashPassword(password) },
    });
    report.admin = { email, password: config.FORESIGHT_ADMIN_PASSWORD ? null : password };
  }

  let project = await db.project.findFirst({ orderBy: { createdAt: "asc" } });
  if (!project) {
    const created = await createProject(db, {
      name: "Default project",
      writeKey: config.FORESIGHT_WRITE_KEY,
      secretKey: config.FORESIGHT_SECRET_KEY,
    });
    project = created.project;
    report.project = {
      name: project.name,
      writeKey: config.FORESIGHT_WRITE_KEY ? null : created.keys.write,
      secretKey: config.FORESIGHT_SECRET_KEY ? null : created.keys.secret,
    };
  } else {
    for (const [kind, key] of [["write", config.FORESIGHT_WRITE_KEY], ["secret", config.FORESIGHT_SECRET_KEY]] as const) {
      if (key && !(await findApiKey(db, key, kind))) {
        await storeApiKey(db, { projectId: project.id, kind, name: `${kind} key from environment`, key });
      }
    }
  }
  return report;
}
