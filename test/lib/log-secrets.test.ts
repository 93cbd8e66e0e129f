/**
 * An unexpected failure is logged with its cause, never with the values the failing query carried: drizzle's
 * DrizzleQueryError puts every bound parameter in its message and stack (a user row's password hash and email,
 * a refresh token's hash, an encrypted TOTP secret), and the error middleware logged message and stack as they were.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app";
import { users } from "../../src/db/schema";
import { logError } from "../../src/lib/log";
import { nextIp } from "../helpers";

afterEach(() => vi.restoreAllMocks());

describe("logError", () => {
  it("keeps a failed query's SQL and cause but none of its bound values", async () => {
    const db = drizzle(env.DB);
    const hash = `pbkdf2-sha256$100000$c2FsdHNhbHQ=$${crypto.randomUUID()}`;
    const row = {
      id: `usr_log_${crypto.randomUUID()}`, email: `log-${crypto.randomUUID()}@example.com`, name: "Log", locale: "en", passwordHash: hash,
      twoFactorEnabled: false, totpSecretEnc: null, totpPendingSecretEnc: null, totpLastStep: 0, backupCodeSalt: null, createdAt: 1, updatedAt: 1,
    };
    await db.insert(users).values(row);
    // The same id again: a constraint failure, as a D1 error would be raised for any reason.
    const err = await db.insert(users).values({ ...row, email: `other-${row.email}` }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain(hash); // what drizzle's error carries
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    logError("req_test", "unhandled", err);
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!);
    expect(lines[0]).not.toContain(hash);
    expect(lines[0]).not.toContain(row.email);
    expect(logged.message).toMatch(/^Failed query: insert into "users"/);
    expect(logged.cause).toMatch(/UNIQUE constraint failed/);
  });

  it("logs other errors as before", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    logError("req_test", "unhandled", new TypeError("boom"));
    const logged = JSON.parse(lines[0]!);
    expect(logged).toMatchObject({ level: "error", event: "unhandled", requestId: "req_test", error: "TypeError", message: "boom" });
    expect(logged.stack).toContain("boom");
  });

  it("through the app: a login whose query fails at D1 logs neither the email nor anything else it bound", async () => {
    // Statements are prepared and bound as usual, and fail when run: the failure drizzle wraps with the values.
    const failing = () => Promise.reject(new Error("D1_ERROR: simulated outage"));
    const statement = { bind: () => statement, first: failing, all: failing, raw: failing, run: failing };
    const failingDb = { prepare: () => statement, batch: failing } as unknown as D1Database;
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const email = `outage-${crypto.randomUUID()}@example.com`;
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request("http://api.test/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": nextIp() },
        body: JSON.stringify({ email, password: "hunter2-very-secret" }),
      }),
      { ...env, DB: failingDb },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(lines.join("\n")).not.toContain(email);
    expect(lines.join("\n")).not.toContain("hunter2-very-secret");
    const errorLine = lines.map((l) => JSON.parse(l)).find((e) => e.level === "error");
    expect(errorLine.cause).toContain("simulated outage");
  });
});
