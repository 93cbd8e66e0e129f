/**
 * Ended sign-ins do not pile up: every refresh writes a token row and nothing removed them or their sessions. The
 * daily 03:00 cron removes the sessions over for 30 days (begun more than the 30-day session life plus 30 days ago)
 * with their refresh tokens; recent ones, ended or not, stay, and a live session goes on refreshing.
 */
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/jobs/scheduled";
import { newId } from "../../src/lib/ids";
import { REFRESH_TTL_MS } from "../../src/modules/auth/tokens";
import { ENDED_SESSION_DAYS } from "../../src/modules/auth/retention";
import { callJson, registerUser } from "../helpers";

const DAY = 86_400_000;
const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;

/** A session begun at `began` (and its expiry 30 days on), revoked or not, with `tokens` refresh token rows. */
async function pastSession(userId: string, began: number, tokens: number, revoked = false) {
  const id = newId("ses", began);
  await env.DB.batch([
    env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)").bind(id, userId, began, began + REFRESH_TTL_MS, revoked ? began + DAY : null),
    ...Array.from({ length: tokens }, (_, i) =>
      env.DB.prepare("INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?)")
        .bind(`hash-${crypto.randomUUID()}`, id, began + i * 900_000, began + i * 900_000 + REFRESH_TTL_MS, i < tokens - 1 ? began + (i + 1) * 900_000 : null),
    ),
  ]);
  return id;
}

describe("ended sessions", () => {
  it("are removed with their refresh tokens 30 days after they end; recent ones and live sign-ins stay", async () => {
    const u = await registerUser();
    const now = Date.now();
    const ancient = await pastSession(u.id, now - REFRESH_TTL_MS - ENDED_SESSION_DAYS * DAY - 2 * DAY, 120);
    const revokedLongAgo = await pastSession(u.id, now - REFRESH_TTL_MS - ENDED_SESSION_DAYS * DAY - 10 * DAY, 3, true);
    // Expired 20 days ago: kept 10 more days (a used token of it still reads as reuse until then).
    const recent = await pastSession(u.id, now - REFRESH_TTL_MS - 20 * DAY, 5);
    const before = await count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", u.id);
    expect(before).toBe(4);

    await handleScheduled(createScheduledController({ cron: "0 3 * * *", scheduledTime: now }), env, { now: () => now });

    const left = (await env.DB.prepare("SELECT id FROM sessions WHERE user_id = ? ORDER BY id").bind(u.id).all<{ id: string }>()).results.map((r) => r.id);
    expect(left).not.toContain(ancient);
    expect(left).not.toContain(revokedLongAgo);
    expect(left).toContain(recent);
    expect(left).toHaveLength(2);
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id IN (?, ?)", ancient, revokedLongAgo)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?", recent)).toBe(5);
    // The sign-in registration opened still works, and refreshes.
    expect((await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip })).status).toBe(200);
    const refreshed = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
    expect(refreshed.status).toBe(200);
  });

  it("are removed with more tokens than one statement deletes (a session refreshed for a month holds thousands)", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const now = Date.now();
    const began = now - REFRESH_TTL_MS - ENDED_SESSION_DAYS * DAY - 3 * DAY;
    const heavy = await pastSession(u.id, began, 1);
    const light = await pastSession(u.id, began + 1_000, 2);
    await env.DB.prepare(
      `INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at, used_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
       SELECT 'bulk-' || ? || '-' || i, ?, ?, ?, ? FROM n`,
    ).bind(heavy, heavy, began, began + REFRESH_TTL_MS, began).run();
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?", heavy)).toBe(12_001);
    await handleScheduled(createScheduledController({ cron: "0 3 * * *", scheduledTime: now }), env, { now: () => now });
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id IN (?, ?)", heavy, light)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE id IN (?, ?)", heavy, light)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", u.id)).toBe(1);
  });

  it("are removed past one batch of 500 in one run", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const now = Date.now();
    const old = now - REFRESH_TTL_MS - ENDED_SESSION_DAYS * DAY - 5 * DAY;
    const statements = Array.from({ length: 1_100 }, (_, i) =>
      env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)").bind(newId("ses", old + i), u.id, old + i, old + i + REFRESH_TTL_MS),
    );
    for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
    await handleScheduled(createScheduledController({ cron: "0 3 * * *", scheduledTime: now }), env, { now: () => now });
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND created_at < ?", u.id, now - REFRESH_TTL_MS - ENDED_SESSION_DAYS * DAY)).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", u.id)).toBe(1);
  });
});
