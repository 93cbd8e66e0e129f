/**
 * Where a webhook may be sent (API.md "Outgoing webhooks"): `https` to a
 * public address. Private, loopback, link-local and other special-purpose
 * targets are refused, as IPv4 literals (in any spelling the URL parser
 * normalizes: decimal, hex, octal), as IPv6 literals (including IPv4-mapped,
 * SIIT, compatible, NAT64 and 6to4 forms that carry an IPv4 address) and as
 * host names that never name a public host (`localhost`, `*.local`, ...); and
 * on HTTPS ports only.
 * Checked when a subscription is created or changed and again before every
 * attempt, so a URL that became disallowed is never called.
 *
 * With ENVIRONMENT=development, plain `http://localhost` and
 * `http://127.0.0.1` are allowed so that local tools can receive; in sandbox
 * mode the receiver simulator on SANDBOX_ORIGIN is allowed (answered in-process).
 *
 * What this cannot see: a public host name whose DNS answer is private (DNS
 * rebinding). Workers resolve names on Cloudflare's network, which does not
 * route to private ranges; redirects are not followed (see deliver.ts).
 */
import { isSandboxUrl } from "../../lib/outbound";
import { parseIpv4, parseIpv6 } from "../../lib/client-ip";

export const MAX_URL_LENGTH = 2048;

const DEV_HOSTS = new Set(["localhost", "127.0.0.1"]);

/** The ports a webhook may be sent to: 443 and the other HTTPS ports Cloudflare proxies. */
const HTTPS_PORTS = new Set(["443", "2053", "2083", "2087", "2096", "8443"]);

/** Suffixes of names that are never public (RFC 6761, 6762, 8375, and common private zones). */
const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".localdomain", ".invalid", ".test", ".example", ".onion"];

type Range4 = [number, number, number, number, number];
/** IPv4 ranges that are not globally reachable (IANA special-purpose registry): [a, b, c, d, prefix]. */
const BLOCKED_V4: Range4[] = [
  [0, 0, 0, 0, 8], // "this network"
  [10, 0, 0, 0, 8], // private
  [100, 64, 0, 0, 10], // carrier-grade NAT
  [127, 0, 0, 0, 8], // loopback
  [169, 254, 0, 0, 16], // link-local (cloud metadata lives here)
  [172, 16, 0, 0, 12], // private
  [192, 0, 0, 0, 24], // IETF protocol assignments
  [192, 0, 2, 0, 24], // documentation
  [192, 88, 99, 0, 24], // 6to4 relay anycast
  [192, 168, 0, 0, 16], // private
  [198, 18, 0, 0, 15], // benchmarking
  [198, 51, 100, 0, 24], // documentation
  [203, 0, 113, 0, 24], // documentation
  [224, 0, 0, 0, 4], // multicast
  [240, 0, 0, 0, 4], // reserved and broadcast
];

const v4Number = (o: number[]) => ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;

/** Why an IPv4 address is not a public target, or null if it is. */
export function blockedIpv4(octets: number[]): string | null {
  const n = v4Number(octets);
  for (const [a, b, c, d, prefix] of BLOCKED_V4) {
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if (((n & mask) >>> 0) === ((v4Number([a, b, c, d]) & mask) >>> 0)) return `${octets.join(".")} is in ${a}.${b}.${c}.${d}/${prefix}, which is not a public address`;
  }
  return null;
}

const octetsOf = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255];

/** Why an IPv6 address (eight 16-bit groups) is not a public target, or null if it is. */
export function blockedIpv6(g: number[]): string | null {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const carried = (v4: number[]) => {
    const why = blockedIpv4(v4);
    return why ? `the IPv4 address it carries: ${why}` : null;
  };
  // Forms that carry an IPv4 address: judged by that address.
  if (zero(0, 5) && g[5] === 0xffff) return carried(octetsOf(g[6]!, g[7]!)); // ::ffff:a.b.c.d (mapped)
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return carried(octetsOf(g[6]!, g[7]!)); // ::ffff:0:a.b.c.d (SIIT)
  if (zero(0, 6)) {
    if (g[6] === 0 && g[7]! <= 1) return "the unspecified and loopback IPv6 addresses are not public";
    return carried(octetsOf(g[6]!, g[7]!)); // ::a.b.c.d (compatible)
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return carried(octetsOf(g[6]!, g[7]!)); // NAT64 well-known prefix
  if (g[0] === 0x2002) return carried(octetsOf(g[1]!, g[2]!)); // 6to4
  // Only global unicast (2000::/3) is public, less its special-purpose blocks.
  if ((g[0]! & 0xe000) !== 0x2000) return "only global unicast IPv6 addresses (2000::/3) are public; this is loopback, link-local, unique-local, multicast or reserved";
  if (g[0] === 0x2001 && g[1]! < 0x200) return "2001::/23 (IETF protocol assignments, including Teredo) is not a public target";
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "2001:db8::/32 is for documentation";
  if ((g[0]! & 0xfff0) === 0x3ff0) return "3fff::/20 is for documentation";
  return null;
}

/** Why `hostname` (as the URL parser gives it: lower case, IPv6 in brackets) is not a public host, or null. */
export function blockedHost(hostname: string): string | null {
  if (hostname.startsWith("[")) {
    const inner = hostname.slice(1, -1);
    if (inner.includes("%")) return "IPv6 zone identifiers are not allowed";
    const g = parseIpv6(inner);
    return g ? blockedIpv6(g) : "not a valid IPv6 address";
  }
  const v4 = parseIpv4(hostname);
  if (v4) return blockedIpv4(v4);
  // One trailing dot is the root (an absolute name); a name with an empty label anywhere is not a host.
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  if (name.split(".").some((label) => label === "")) return `${hostname} is not a valid host name`;
  if (name === "localhost" || PRIVATE_SUFFIXES.some((s) => name.endsWith(s))) return `${hostname} is not a public host name`;
  if (!name.includes(".")) return `${hostname} is a single-label name, not a public host name`;
  return null;
}

/** The sandbox's own webhook receiver (src/sandbox/webhook-receiver.ts). */
const SANDBOX_RECEIVER_PATH = "/sandbox/webhook-receiver/";

/** Why `raw` may not receive webhooks in this environment, or null if it may. */
export function webhookUrlProblem(env: Env, raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return `URL is longer than ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a valid absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "URL must use https";
  if (url.username || url.password) return "URL must not contain credentials";
  // The sandbox receiver is answered in-process (lib/outbound.ts); only in sandbox mode, and only the receiver:
  // the sandbox origin serves the whole app in-process too, whose routes a subscription must not call.
  if (isSandboxUrl(env, url.href)) return url.pathname.startsWith(SANDBOX_RECEIVER_PATH) ? null : `Only ${SANDBOX_RECEIVER_PATH}<inbox> receives webhooks on the sandbox origin`;
  if (env.ENVIRONMENT === "development" && DEV_HOSTS.has(url.hostname)) return null;
  if (url.protocol !== "https:") return "URL must use https";
  // Any port would let a subscription probe a host's other services (the deliveries log tells connect failures from
  // answers); the ports Cloudflare proxies HTTPS on are the ones a receiver uses.
  if (url.port !== "" && !HTTPS_PORTS.has(url.port)) return `Port ${url.port} is not allowed; use ${[...HTTPS_PORTS].join(", ")}`;
  return blockedHost(url.hostname);
}
