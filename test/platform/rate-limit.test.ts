import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { clientSubject } from "../../src/lib/client-ip";
import { GUESS_LIMITS, POLICIES } from "../../src/lib/rate-limits";
import { call, nextIp, registerUser } from "../helpers";

/** A login for an email of its own, so that only the per-IP limit is in play, not the per-account one. */
const anyLogin = () => ({ email: `nobody-${crypto.randomUUID()}@example.com`, password: "whatever" });

describe("auth policy", () => {
  it("returns 429 on the 11th login in a minute from one IP, with headers", async () => {
    const ip = nextIp();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 1; i <= 11; i++) {
      last = await call("/v1/auth/login", { ip, body: anyLogin() });
      statuses.push(last.status);
      expect(last.headers.get("x-ratelimit-limit")).toBe("10");
      if (i <= 10) expect(last.headers.get("x-ratelimit-remaining")).toBe(String(10 - i));
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const body: any = await last!.json();
    expect(body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("cannot be bypassed with X-Forwarded-For or similar headers", async () => {
    const ip = nextIp();
    for (let i = 0; i < 10; i++) {
      await call("/v1/auth/login", { ip, body: anyLogin() });
    }
    const spoofed = await call("/v1/auth/login", {
      ip,
      headers: { "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9", "true-client-ip": "203.0.113.9" },
      body: anyLogin(),
    });
    expect(spoofed.status).toBe(429);
    // Another client IP is unaffected.
    const other = await call("/v1/auth/login", { ip: nextIp(), body: anyLogin() });
    expect(other.status).toBe(401);
  });
});

/** A fresh documentation-range /64 per call, so tests never share a bucket. */
let net64 = 0;
const fresh64 = () => `2001:db8:${(++net64).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
const login = (ip: string) => call("/v1/auth/login", { ip, body: anyLogin() });

describe("auth policy client keys", () => {
  it("limits 25 logins from 25 addresses of one IPv6 /64 after the auth limit", async () => {
    const prefix = fresh64();
    const statuses: number[] = [];
    for (let i = 1; i <= 25; i++) statuses.push((await login(`${prefix}:${i.toString(16)}:0:0:${((i * 7919) & 0xffff).toString(16)}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(15).fill(429)]);
  });

  it("gives textual variants of one address a single bucket", async () => {
    const [a, b, c, d] = fresh64().split(":");
    const variants = [
      `${a}:${b}:${c}:${d}::1`,
      `${a}:0${b}:${c}:${d}:0:0::1`,
      `${a}:${b}:${c}:${d}:0:0:0:1`.toUpperCase(),
      `${a}:${b}:${c}:${d}:0000:0000:0000:0001`,
      `${a}:${b}:${c}:${d}::0.0.0.1`,
    ];
    for (let i = 0; i < 10; i++) expect((await login(variants[i % variants.length]!)).status).toBe(401);
    for (const v of variants) expect((await login(v)).status).toBe(429);
  });

  it("keys an IPv4-mapped IPv6 address as its IPv4 address", async () => {
    const ip = nextIp();
    for (let i = 0; i < 10; i++) expect((await login(i % 2 ? ip : `::ffff:${ip}`)).status).toBe(401);
    expect((await login(`::FFFF:${ip}`)).status).toBe(429);
    expect((await login(ip)).status).toBe(429);
  });

  it("keeps a different /64 independent", async () => {
    const prefix = fresh64();
    for (let i = 0; i < 11; i++) await login(`${prefix}::${i + 1}`);
    expect((await login(`${prefix}::abcd`)).status).toBe(429);
    expect((await login(`${fresh64()}::1`)).status).toBe(401);
  });

  it("normalizes addresses without giving garbage a bucket per string", () => {
    expect(clientSubject("192.0.2.1")).toBe("ip4:192.0.2.1");
    expect(clientSubject("::ffff:c000:0201")).toBe("ip4:192.0.2.1");
    expect(clientSubject("2001:DB8::1")).toBe("ip6:2001:db8:0:0::/64");
    expect(clientSubject("2001:0db8:0000:0000:ffff:ffff:ffff:ffff")).toBe("ip6:2001:db8:0:0::/64");
    expect(clientSubject("::1")).toBe("ip6:0:0:0:0::/64");
    expect(clientSubject("::")).toBe("ip6:0:0:0:0::/64");
    // IPv6 forms that carry an IPv4 client share that address's bucket.
    for (const form of ["::198.51.100.7", "64:ff9b::198.51.100.7", "::ffff:0:198.51.100.7", "2002:c633:6407::1", "2002:c633:6407:beef::42"]) {
      expect(clientSubject(form), form).toBe("ip4:198.51.100.7");
    }
    const garbage = [
      undefined, "", "unknown", "not an ip", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", ":1::", "12345::1", "g::1", "fe80::1%eth0", "[2001:db8::1]",
      "1.2.3.4::", "::1.2.3", "1:2:3:4:5:6:7:8::", ` ${"1:".repeat(40)}`, "2001:db8::1 ",
    ];
    for (const g of garbage) expect(clientSubject(g), String(g)).toBe("unknown");
  });
});

describe("general policy", () => {
  it("is keyed by user and reported on every authenticated response", async () => {
    const u = await registerUser();
    const res = await call("/v1/spaces", { token: u.accessToken, ip: u.ip });
    expect(res.headers.get("x-ratelimit-limit")).toBe("1000");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("999");
    // A different IP does not reset the user's bucket.
    const again = await call("/v1/spaces", { token: u.accessToken, ip: nextIp() });
    expect(again.headers.get("x-ratelimit-remaining")).toBe("998");
  });
});

describe("token bucket", () => {
  it("refills over its window and never exceeds capacity", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("test:refill"));
    await runInDurableObject(stub, (limiter) => {
      const spec = POLICIES.sync; // 5 per minute
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 5; i++) expect(limiter.take(spec, t0).allowed).toBe(true);
      const denied = limiter.take(spec, t0);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBe(12_000);
      expect(limiter.take(spec, t0 + 12_000).allowed).toBe(true);
      expect(limiter.take(spec, t0 + 12_000).allowed).toBe(false);
      const later = limiter.take(spec, t0 + 3_600_000);
      expect(later.remaining).toBe(4); // full (5) minus this take
    });
  });

  it("counts the refill of a stretch of time once, whatever order the callers' clocks arrive in", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("test:skew"));
    await runInDurableObject(stub, (limiter) => {
      const spec = POLICIES.sync; // 5 per minute: one token each 12 s
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 5; i++) expect(limiter.take(spec, t0 + 60_000).allowed).toBe(true);
      // An isolate whose clock is a minute behind: it refills nothing, and must not wind the bucket's clock back.
      const behind = limiter.take(spec, t0);
      expect(behind.allowed).toBe(false);
      // Told to wait for the bucket's clock: a minute of skew, then the 12 s of a token.
      expect(behind.retryAfterMs).toBe(72_000);
      expect(behind.resetAt).toBe(t0 + 60_000 + 60_000);
      // Back at the bucket's time, the minute that passed before the first takes does not count again.
      expect(limiter.take(spec, t0 + 60_000).allowed).toBe(false);
      expect(limiter.take(spec, t0 + 72_000).allowed).toBe(true); // one token 12 s later, as it should be
      expect(limiter.take(spec, t0 + 72_000).allowed).toBe(false);
    });
  });
});

describe("failed-attempt window", () => {
  it("refuses after 5 failures in 15 minutes, even a right guess, until the oldest failure leaves the window", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("test:attempts"));
    await runInDurableObject(stub, (limiter) => {
      const spec = GUESS_LIMITS.secondFactor;
      expect(spec).toEqual({ limit: 5, windowMs: 15 * 60_000 });
      const t0 = 1_700_000_000_000;
      // A right guess is taken back out and never counts.
      const right = limiter.beginAttempt(spec, t0);
      limiter.succeeded(right.attemptId);
      for (let i = 0; i < 5; i++) expect(limiter.beginAttempt(spec, t0 + i * 60_000).allowed).toBe(true);
      const refused = limiter.beginAttempt(spec, t0 + 5 * 60_000);
      expect(refused).toMatchObject({ allowed: false, retryAfterMs: 10 * 60_000 });
      expect(limiter.beginAttempt(spec, t0 + 15 * 60_000 - 1).allowed).toBe(false);
      // The first failure has left the window: one more guess, then shut again.
      expect(limiter.beginAttempt(spec, t0 + 15 * 60_000).allowed).toBe(true);
      expect(limiter.beginAttempt(spec, t0 + 15 * 60_000).allowed).toBe(false);
      expect(limiter.beginAttempt(spec, t0 + 40 * 60_000).allowed).toBe(true);
    });
  });
});
