/**
 * Turning 2FA on under concurrency: a client that sends its enrolment twice (a double tap, a retry while the first
 * is in flight, codes of neighbouring time steps) must end with one factor and one set of backup codes, the set it
 * was shown; a setup racing an enable must not leave a second secret to scan.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callJson, nextIp, registerUser, totpCode, type TestUser } from "../helpers";

async function setup(u: TestUser): Promise<string> {
  const res = await callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: u.ip });
  expect(res.status).toBe(200);
  return res.body.secret;
}

const enable = (u: TestUser, code: string) =>
  callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: nextIp(), body: { code, password: u.password } });

describe("2FA enable under concurrency", () => {
  it("of three enables with codes of neighbouring steps, one wins, and the backup codes it showed are the ones that work", async () => {
    for (let round = 0; round < 2; round++) {
      const u = await registerUser();
      const secret = await setup(u);
      // Ascending steps: each is newer than the one before it, so every code passes the replay check in turn.
      const codes = await Promise.all([-1, 0, 1].map((d) => totpCode(secret, d)));
      const results = await Promise.all(codes.map((code) => enable(u, code)));
      const won = results.filter((r) => r.status === 200);
      expect(won, JSON.stringify(results.map((r) => [r.status, r.body.error?.message]))).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 200)) {
        expect([409, 422]).toContain(r.status);
      }
      const stored = await env.DB.prepare("SELECT count(*) AS n FROM backup_codes WHERE user_id = ?").bind(u.id).first<{ n: number }>();
      expect(stored!.n).toBe(10);
      // The codes the winner was shown sign in (each once).
      for (const backup of won[0]!.body.backupCodes.slice(0, 2)) {
        const login = await callJson("/v1/auth/login", { ip: nextIp(), body: { email: u.email, password: u.password, totpCode: backup } });
        expect(login.status).toBe(200);
      }
    }
  });

  it("an enable and a setup at once: exactly one of them takes effect, and no pending secret outlives the enable", async () => {
    for (let round = 0; round < 3; round++) {
      const u = await registerUser();
      const secret = await setup(u);
      const code = await totpCode(secret);
      const [en, su] = await Promise.all([enable(u, code), callJson("/v1/auth/2fa/setup", { method: "POST", token: u.accessToken, ip: nextIp() })]);
      expect([en.status, su.status].filter((s) => s === 200), `enable ${en.status}, setup ${su.status}`).toHaveLength(1);
      // The enable that loses is 409 when it read the secret it was shown and the setup replaced it meanwhile, 422 when
      // the setup was done before it read any (its code is then of the secret replaced); the setup that loses is 409.
      if (en.status === 200) expect(su.status).toBe(409);
      else expect([409, 422]).toContain(en.status);
      const row = await env.DB.prepare("SELECT two_factor_enabled, totp_pending_secret_enc FROM users WHERE id = ?").bind(u.id).first<any>();
      if (en.status === 200) {
        expect(row.two_factor_enabled).toBe(1);
        expect(row.totp_pending_secret_enc).toBeNull();
      } else {
        expect(row.two_factor_enabled).toBe(0);
        expect(row.totp_pending_secret_enc).not.toBeNull();
      }
    }
  });
});
