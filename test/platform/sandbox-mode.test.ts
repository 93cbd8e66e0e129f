/**
 * The third parties' simulators exist only in sandbox mode: in production the
 * /sandbox routes are 404 and a client's request to SANDBOX_ORIGIN is not
 * answered in-process (lib/outbound.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { isSandboxUrl } from "../../src/lib/outbound";

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
    expect(live.status).not.toBe(404);
  });
});
