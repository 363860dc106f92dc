import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../db/generated/client";
import { storeApiKey } from "../auth/api-keys";

function slugify(name: string): string {
  const base = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return (base || "project").slice(0, 40);
}

/** Creates a project with one write key and one secret key; the plaintext keys are returned once. */
export async function createProject(
  db: PrismaClient,
  input: { name: string; timezone?: string; createdById?: string | null; writeKey?: string; secretKey?: string },
) {
  let slug = slugify(input.name);
  if (await db.project.findUnique({ where: { slug } })) slug = `${slug}-${randomBytes(3).toString("hex")}`;
  const project = await db.project.create({ data: { name: input.name, slug, timezone: input.timezone ?? "UTC" } });
  const write = await storeApiKey(db, {
    projectId: project.id,
    kind: "write",
    name: "Default write key",
    key: input.writeKey,
    createdById: input.createdById,
  });
  const secret = await storeApiKey(db, {
    projectId: project.id,
    kind: "secret",
    name: "Default secret key",
    key: input.secretKey,
    createdById: input.createdById,
  });
  return { project, keys: { write: write.key, secret: secret.key } };
}
