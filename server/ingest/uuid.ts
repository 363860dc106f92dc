import { createHash, randomBytes } from "node:crypto";

/** 1 at the char codes of hex digits (either case), 0 elsewhere: indexed by any UTF-16 code unit. */
const HEX = new Uint8Array(65536);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;

/**
 * 8-4-4-4-12 hex digits, either case: the same strings as
 * /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, checked by a table of char
 * codes (about half the regex's time; it runs for every captured event).
 */
export function isUuid(s: string): boolean {
  if (s.length !== 36 || s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45) return false;
  let ok = 1;
  for (let i = 0; i < 8; i++) ok &= HEX[s.charCodeAt(i)]!;
  for (let i = 9; i < 13; i++) ok &= HEX[s.charCodeAt(i)]!;
  for (let i = 14; i < 18; i++) ok &= HEX[s.charCodeAt(i)]!;
  for (let i = 19; i < 23; i++) ok &= HEX[s.charCodeAt(i)]!;
  for (let i = 24; i < 36; i++) ok &= HEX[s.charCodeAt(i)]!;
  return ok === 1;
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
