/**
 * The third parties' simulators exist only in sandbox mode: in production the
 * /sandbox routes are 404 and a client's request to SANDBOX_ORIGIN is not
 * answered in-process (lib/outbound.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { isSandboxUrl, outbound, registerSandboxHandler } from "../../src/lib/outbound";

const production = { ...env, PROVIDER_MODE: "production" } as Env;

describe("sandbox mode", () => {
  it("answers the simulators in sandbox mode and 404s them in production", async () => {
    const url = `${env.SANDBOX_ORIGIN}/sandbox/rates/health`;
    for (const path of ["/sandbox/prices/api/v3/simple/price?ids=bitcoin&vs_currencies=usd", "/sandbox/plaid/accounts/get", "/sandbox/email/messages"]) {
      const res = await app.fetch(new Request(`http://api.test${path}`), production);
      expect(res.status, path).toBe(404);
    }
    expect(isSandboxUrl(env, url)).toBe(true);
    expect(isSandboxUrl(production, url)).toBe(false);
    expect(isSandboxUrl(env, "https://api.plaid.com/accounts/get")).toBe(false);
    expect(isSandboxUrl(env, "not a url")).toBe(false);
    const live = await app.fetch(new Request(`http://api.test/sandbox/email/messages`), env);
    expect(live.status).toBe(200);
  });

  it("serves the simulators only on names that never resolve publicly, even in sandbox mode", async () => {
    // A deployment left in sandbox mode is reached by its public name: its outboxes (every "sent" email,
    // invitation tokens included) must not be served there.
    for (const origin of ["https://dhanam-ledger.example-user.workers.dev", "https://api.dhanam.app", "http://203.0.113.7", "http://localhost.attacker.com"]) {
      const res = await app.fetch(new Request(`${origin}/sandbox/email/messages`), env);
      expect(res.status, origin).toBe(404);
    }
    for (const origin of ["http://localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787", "http://api.test", env.SANDBOX_ORIGIN]) {
      const res = await app.fetch(new Request(`${origin}/sandbox/email/messages`), env);
      expect(res.status, origin).toBe(200);
    }
  });

  it("answers a simulator call only after a turn of the event loop, as a network call would (QA 12-F: a 1,500-page sandbox sync starved the dev server)", async () => {
    // A timer set before the call has run by the time the simulator sees the request: a long run of simulator calls
    // lets the runtime read its sockets between them (under wrangler dev, D1 and the Durable Objects never make it wait).
    let timerRan = false;
    let sawTimer: boolean | undefined;
    registerSandboxHandler((request, e) => {
      sawTimer = timerRan;
      return app.fetch(request, e);
    });
    try {
      setTimeout(() => (timerRan = true), 0);
      const res = await outbound(env)(new Request(`${env.SANDBOX_ORIGIN}/sandbox/email/messages`));
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(sawTimer).toBe(true);
    } finally {
      registerSandboxHandler((request, e) => app.fetch(request, e));
    }
  });
});
