import { createHash, randomBytes } from "node:crypto";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

function format(b: Buffer): string {
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A name-based UUID (version 8 layout over sha256): the same parts always give the same id. */
export function uuidFromName(...parts: string[]): string {
  const b = createHash("sha256").update(parts.join("\u0001")).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return format(b);
}

/** A time-ordered UUIDv7 for `ms`. */
export function uuidv7(ms = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return format(b);
}

/** Client ids that are not UUIDs (Segment messageIds, say) map to a stable UUID per project. */
export function eventUuid(projectId: string, clientId: string | undefined, ms: number): string {
  if (!clientId) return uuidv7(ms);
  return isUuid(clientId) ? clientId.toLowerCase() : uuidFromName(projectId, "event", clientId);
}
