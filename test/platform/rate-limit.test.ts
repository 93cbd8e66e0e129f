import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../src/lib/rate-limits";
import { call, nextIp, registerUser } from "../helpers";

describe("auth policy", () => {
  it("returns 429 on the 11th login in a minute from one IP, with headers", async () => {
    const ip = nextIp();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 1; i <= 11; i++) {
      last = await call("/v1/auth/login", { ip, body: { email: "x@example.com", password: "whatever" } });
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
      await call("/v1/auth/login", { ip, body: { email: "x@example.com", password: "whatever" } });
    }
    const spoofed = await call("/v1/auth/login", {
      ip,
      headers: { "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9", "true-client-ip": "203.0.113.9" },
      body: { email: "x@example.com", password: "whatever" },
    });
    expect(spoofed.status).toBe(429);
    // Another client IP is unaffected.
    const other = await call("/v1/auth/login", { ip: nextIp(), body: { email: "x@example.com", password: "whatever" } });
    expect(other.status).toBe(401);
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
});
