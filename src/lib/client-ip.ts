/**
 * Turns the client address Cloudflare reports (CF-Connecting-IP) into a
 * rate-limit subject. One IPv6 client usually holds a whole /64 and can pick
 * any address in it, so IPv6 is keyed by its /64; IPv4 by the address, also
 * when it arrives inside an IPv6 form (mapped, compatible, NAT64, 6to4). Every
 * spelling of one address (compressed or not, any case, IPv4-mapped) gives one
 * subject, and anything that is not an address shares the single "unknown"
 * subject rather than getting a bucket per string.
 *
 * Hand-written parsing: bounded by the length cap, no regular expressions.
 */

/** The longest textual IPv6 address, with an embedded IPv4 tail (RFC 4291 2.2). */
const MAX_LENGTH = 45;

export const UNKNOWN_CLIENT = "unknown";

export function clientSubject(raw: string | null | undefined): string {
  if (!raw || raw.length > MAX_LENGTH) return UNKNOWN_CLIENT;
  if (!raw.includes(":")) {
    const v4 = parseIpv4(raw);
    return v4 ? `ip4:${v4.join(".")}` : UNKNOWN_CLIENT;
  }
  const g = parseIpv6(raw);
  if (!g) return UNKNOWN_CLIENT;
  const v4 = embeddedIpv4(g);
  if (v4) return `ip4:${v4}`;
  return `ip6:${g.slice(0, 4).map((x) => x.toString(16)).join(":")}::/64`;
}

const dotted = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * The IPv4 client behind an IPv6 form that carries one, so that it shares the
 * IPv4 address's bucket: IPv4-mapped (::ffff:a.b.c.d) and its SIIT form
 * (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d),
 * and 6to4 (2002:AABB:CCDD::/48, where one IPv4 host owns 65,536 /64s).
 */
function embeddedIpv4(g: number[]): string | null {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return dotted(g[6]!, g[7]!);
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return dotted(g[6]!, g[7]!);
  // ::a.b.c.d, but not :: and ::1 (unspecified and loopback).
  if (zero(0, 6) && (g[6]! !== 0 || g[7]! > 1)) return dotted(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return dotted(g[6]!, g[7]!);
  if (g[0] === 0x2002) return dotted(g[1]!, g[2]!);
  return null;
}

/** Dotted-quad IPv4 as four octets, or null. */
export function parseIpv4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length < 1 || p.length > 3) return null;
    let n = 0;
    for (let i = 0; i < p.length; i++) {
      const d = p.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      n = n * 10 + d;
    }
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function hexGroup(p: string): number | null {
  if (p.length < 1 || p.length > 4) return null;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i) | 0x20; // ASCII lower case; leaves digits alone
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return null;
    n = n * 16 + d;
  }
  return n;
}

/** Colon-separated pieces as 16-bit groups; the last piece may be an IPv4 tail (two groups). */
function groupsOf(pieces: string[], v4TailAllowed: boolean): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (v4TailAllowed && i === pieces.length - 1 && p.includes(".")) {
      const v4 = parseIpv4(p);
      if (!v4) return null;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      const g = hexGroup(p);
      if (g === null) return null;
      out.push(g);
    }
  }
  return out;
}

/** Textual IPv6 (RFC 4291 2.2, no zone index) as eight 16-bit groups, or null. */
export function parseIpv6(s: string): number[] | null {
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const split = (h: string) => (h === "" ? [] : h.split(":"));
  if (halves.length === 1) {
    const g = groupsOf(split(s), true);
    return g && g.length === 8 ? g : null;
  }
  const head = groupsOf(split(halves[0]!), false);
  const tail = groupsOf(split(halves[1]!), true);
  // "::" stands for at least one zero group.
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
