/** Running a remembered write's guard (write-guard.ts) straight in D1, where no cache of the ledger object stands in the way. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { type GuardedWrite, writeGuard } from "../../src/modules/transactions/write-guard";

const svc = { clock: { now: () => Date.now() } } as unknown as Parameters<typeof writeGuard>[0];

/** Whether the guard of `w` lets its batch through now (false: it refused it, and nothing else failed). */
export async function guardHolds(w: GuardedWrite): Promise<boolean> {
  const g = writeGuard(svc, w);
  expect(g.params.length).toBeLessThan(100);
  try {
    await env.DB.batch([env.DB.prepare(g.sql).bind(...g.params)]);
    return true;
  } catch (e) {
    expect(String(e)).toMatch(/write_guard_refused/);
    return false;
  }
}

/** The id of the user's newest session. */
export async function latestSessionId(userId: string): Promise<string> {
  return (await env.DB.prepare("SELECT id FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1").bind(userId).first<{ id: string }>())!.id;
}
