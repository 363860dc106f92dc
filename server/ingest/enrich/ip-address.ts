/**
 * IP address parsing and formatting without allocation-heavy helpers: IPv4 as an unsigned 32-bit
 * number, IPv6 as eight 16-bit groups. Canonical text is dotted IPv4 (IPv4-mapped IPv6 such as
 * `::ffff:1.2.3.4` becomes `1.2.3.4`) or RFC 5952 IPv6 (lower case, longest zero run as `::`).
 */

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const MAX_IPV6_TEXT = 64; // 45 characters plus room for a zone id

/** The address as an unsigned 32-bit number, or -1 when `text` is not a dotted-quad IPv4 address. */
export function parseIPv4(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let result = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      result = result * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero ("01") is ambiguous (octal in some parsers)
      octet = octet * 10 + (code - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return result * 256 + octet;
}

export function formatIPv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function pushGroups(parts: string[], allowIPv4Tail: boolean, out: number[]): boolean {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowIPv4Tail && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 < 0) return false;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else {
      if (!HEX_GROUP.test(part)) return false;
      out.push(parseInt(part, 16));
    }
  }
  return true;
}

/** Eight 16-bit groups, or null when `text` is not an IPv6 address. A zone id (`%eth0`) is ignored. */
export function parseIPv6(text: string): number[] | null {
  if (text.length < 2 || text.length > MAX_IPV6_TEXT) return null;
  const zone = text.indexOf("%");
  const address = zone === -1 ? text : text.slice(0, zone);
  const gap = address.indexOf("::");
  const groups: number[] = [];
  if (gap === -1) {
    if (!pushGroups(address.split(":"), true, groups) || groups.length !== 8) return null;
    return groups;
  }
  if (address.indexOf("::", gap + 1) !== -1) return null;
  const head = address.slice(0, gap);
  const tail = address.slice(gap + 2);
  if (head !== "" && !pushGroups(head.split(":"), false, groups)) return null;
  const headCount = groups.length;
  const tailGroups: number[] = [];
  if (tail !== "" && !pushGroups(tail.split(":"), true, tailGroups)) return null;
  if (headCount + tailGroups.length > 7) return null;
  while (groups.length + tailGroups.length < 8) groups.push(0);
  for (const group of tailGroups) groups.push(group);
  return groups;
}

/** The embedded IPv4 address of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else -1. */
export function mappedIPv4(groups: number[]): number {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return -1;
  if (groups[5] !== 0xffff) return -1;
  return (groups[6]! * 65536 + groups[7]!) >>> 0;
}

/** RFC 5952 text: lower-case hex without leading zeros, the longest run (2+) of zero groups as `::`. */
export function formatIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let text = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += i === 0 ? "::" : ":";
      i += bestLength - 1;
      continue;
    }
    text += groups[i]!.toString(16);
    if (i < 7) text += ":";
  }
  return text;
}

export type ParsedIp = { version: 4; value: number } | { version: 6; groups: number[] };

/** Parses either family; IPv4-mapped IPv6 comes back as IPv4. Surrounding whitespace is allowed. */
export function parseIp(input: string | null | undefined): ParsedIp | null {
  if (typeof input !== "string" || input.length === 0 || input.length > MAX_IPV6_TEXT + 8) return null;
  const text = input.trim();
  const v4 = parseIPv4(text);
  if (v4 >= 0) return { version: 4, value: v4 };
  const groups = parseIPv6(text);
  if (!groups) return null;
  const mapped = mappedIPv4(groups);
  return mapped >= 0 ? { version: 4, value: mapped } : { version: 6, groups };
}

export function formatIp(ip: ParsedIp): string {
  return ip.version === 4 ? formatIPv4(ip.value) : formatIPv6(ip.groups);
}

/** Canonical text of a valid address (see the module note), or null for anything else. */
export function canonicalIp(input: string | null | undefined): string | null {
  if (typeof input === "string" && parseIPv4(input) >= 0) return input; // the common case, already canonical
  const parsed = parseIp(input);
  return parsed ? formatIp(parsed) : null;
}

const ip4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** IPv4 ranges that are never a user's public address (RFC 6890 special-purpose, multicast, reserved). */
const NON_PUBLIC_V4: ReadonlyArray<readonly [base: number, prefix: number]> = [
  [ip4(0, 0, 0, 0), 8],
  [ip4(10, 0, 0, 0), 8],
  [ip4(100, 64, 0, 0), 10], // carrier-grade NAT
  [ip4(127, 0, 0, 0), 8],
  [ip4(169, 254, 0, 0), 16],
  [ip4(172, 16, 0, 0), 12],
  [ip4(192, 0, 0, 0), 24],
  [ip4(192, 0, 2, 0), 24], // documentation
  [ip4(192, 168, 0, 0), 16],
  [ip4(198, 18, 0, 0), 15], // benchmarking
  [ip4(198, 51, 100, 0), 24], // documentation
  [ip4(203, 0, 113, 0), 24], // documentation
  [ip4(224, 0, 0, 0), 3], // multicast and reserved, up to 255.255.255.255
];
/** The same ranges as (shift, base >>> shift) pairs, flattened for a tight loop. */
const NON_PUBLIC_V4_SHIFTED = new Int32Array(NON_PUBLIC_V4.flatMap(([base, prefix]) => [32 - prefix, base >>> (32 - prefix)]));

/**
 * True only for a valid address that can be a client's public address: false for private,
 * loopback, link-local, CGNAT, documentation, multicast, unspecified and unique-local ranges.
 */
export function isPublicIp(ip: ParsedIp | null): boolean {
  if (!ip) return false;
  if (ip.version === 4) {
    const value = ip.value;
    for (let i = 0; i < NON_PUBLIC_V4_SHIFTED.length; i += 2) {
      if (value >>> NON_PUBLIC_V4_SHIFTED[i]! === NON_PUBLIC_V4_SHIFTED[i + 1]) return false;
    }
    return true;
  }
  const [first = 0, second = 0] = ip.groups;
  if (first === 0) return false; // ::, ::1 and the other reserved ::/16 forms (mapped IPv4 was handled by parseIp)
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link local
  if ((first & 0xff00) === 0xff00) return false; // ff00::/8 multicast
  if (first === 0x2001 && second === 0x0db8) return false; // 2001:db8::/32 documentation
  return true;
}
