import { formatIPv4, formatIPv6, formatIp, parseIp } from "./ip-address";
import { headerValue, type HeaderSource } from "./request-headers";

/** keep: store the address as sent; truncate: IPv4 /24, IPv6 /48; drop: store nothing. */
export type IpMode = "keep" | "truncate" | "drop";

/**
 * The IP as the project's policy stores it, in canonical text (IPv4-mapped IPv6 as dotted IPv4).
 * Anything that is not a valid address becomes null in every mode, so junk is never stored.
 */
export function anonymizeIp(ip: string | null | undefined, mode: IpMode): string | null {
  if (mode === "drop") return null;
  const parsed = parseIp(ip);
  if (!parsed) return null;
  if (mode === "keep") return formatIp(parsed);
  if (parsed.version === 4) return formatIPv4((parsed.value & 0xffffff00) >>> 0);
  const groups = parsed.groups.slice();
  for (let i = 3; i < 8; i++) groups[i] = 0;
  return formatIPv6(groups);
}

/** One X-Forwarded-For entry without the port or brackets some proxies add (`1.2.3.4:5678`, `[::1]:443`). */
function stripPort(entry: string): string {
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    return close === -1 ? entry : entry.slice(1, close);
  }
  const colon = entry.indexOf(":");
  // exactly one colon means host:port of an IPv4 address; IPv6 has at least two
  return colon !== -1 && entry.indexOf(":", colon + 1) === -1 ? entry.slice(0, colon) : entry;
}

/**
 * The client's address: the first valid X-Forwarded-For entry when the server sits behind a proxy
 * it trusts (`trustProxy`), else the socket's peer. That first entry is whatever the client or the
 * first proxy wrote, so trust it only when every path to the server goes through a proxy that
 * overwrites or appends the header. Returns canonical text or null.
 */
export function clientIp(headers: HeaderSource | null | undefined, socketIp: string | null | undefined, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = headerValue(headers, "x-forwarded-for");
    if (forwarded) {
      for (const raw of forwarded.split(",", 32)) {
        const parsed = parseIp(stripPort(raw.trim()));
        if (parsed) return formatIp(parsed);
      }
    }
  }
  const parsed = parseIp(socketIp);
  return parsed ? formatIp(parsed) : null;
}
