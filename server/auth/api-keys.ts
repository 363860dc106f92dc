import type { PrismaClient } from "../db/generated/client";
import type { ApiKeyKind } from "../db/generated/enums";
import { randomToken, sha256 } from "./tokens";

const PREFIX: Record<ApiKeyKind, string> = { write: "fs_pub_", secret: "fs_sec_" };

export function generateApiKey(kind: ApiKeyKind): string {
  return PREFIX[kind] + randomToken(kind === "write" ? 18 : 30);
}

/** Stores a key by its sha256; the plaintext is returned to the caller once and never again. */
export async function storeApiKey(
  db: PrismaClient,
  input: { projectId: string; kind: ApiKeyKind; name: string; key?: string; createdById?: string | null },
) {
  const key = input.key ?? generateApiKey(input.kind);
  const row = await db.apiKey.create({
    data: {
      projectId: input.projectId,
      kind: input.kind,
      name: input.name,
      prefix: key.slice(0, 11),
      keyHash: sha256(key),
      createdById: input.createdById ?? null,
    },
  });
  return { key, row };
}

/** Finds the live key of `kind` matching `key`; null when unknown or revoked. */
export async function findApiKey(db: PrismaClient, key: string, kind: ApiKeyKind) {
  if (!key || key.length > 200) return null;
  const row = await db.apiKey.findUnique({ where: { keyHash: sha256(key) } });
  if (!row || row.kind !== kind || row.revokedAt) return null;
  return row;
}
