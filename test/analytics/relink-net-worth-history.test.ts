/**
 * Net worth of a bank linked again (relinks.ts): the old accounts count until the successor's imported history
 * begins, and the successor from there on. They used to be out on every day, so a bank linked with 120 days of
 * history and linked again with 30 vanished from the 90 days before the new history (net worth 0.00 there).
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { callJson, createSpace } from "../helpers";
import { as, ownerWithSpace } from "../providers/helpers";
import { api, ok } from "./fixture";
import { disconnect, linkedPlaid } from "./relink-helpers";

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

async function dailyNetWorth(owner: Parameters<typeof api>[0], spaceId: string): Promise<Map<string, string>> {
  const res = await ok(api(owner).get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(100)}&to=${day(0)}&interval=day`));
  return new Map(res.points.map((p: { date: string; netWorthDecimal: string }) => [p.date, p.netWorthDecimal]));
}

it("a bank linked again counts its old accounts before the new history and the new ones after, once each day", { timeout: 180_000 }, async () => {
  const { owner, spaceId } = await ownerWithSpace();
  const login = `public-sandbox-${crypto.randomUUID()}`;
  const first = await linkedPlaid(owner, spaceId, `${login}.history-120`);
  const before = await dailyNetWorth(owner, spaceId);
  await disconnect(owner, first);
  await linkedPlaid(owner, spaceId, `${login}.history-30`);
  const after = await dailyNetWorth(owner, spaceId);

  // The same login's 30-day link alone, in a space of its own: what the successor holds on each day.
  const alone = (await createSpace(owner)).id;
  await linkedPlaid(owner, alone, `${login}.history-30`);
  const successor = await dailyNetWorth(owner, alone);

  const older = [...after.keys()].filter((d) => d <= day(40));
  const recent = [...after.keys()].filter((d) => d >= day(25));
  expect(older.length).toBeGreaterThan(50);
  expect(recent.length).toBeGreaterThan(20);
  for (const d of older) {
    expect(after.get(d), d).toBe(before.get(d));
    expect(Number(after.get(d)), d).not.toBe(0);
  }
  for (const d of recent) expect(after.get(d), d).toBe(successor.get(d));
  // Not the old accounts' balances as well (each day counts the bank once).
  expect(after.get(day(0))).not.toBe((Number(before.get(day(0))) + Number(successor.get(day(0)))).toFixed(2));
});

it("a transfer into the new account dated before its history keeps net worth whole (review: it counted from its first row only)", { timeout: 180_000 }, async () => {
  const { owner, spaceId } = await ownerWithSpace();
  const login = `public-sandbox-${crypto.randomUUID()}`;
  const first = await linkedPlaid(owner, spaceId, `${login}.history-120`);
  await disconnect(owner, first);
  const second = await linkedPlaid(owner, spaceId, `${login}.history-30`);
  const successor = (await env.DB.prepare(
    "SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.type = 'checking' ORDER BY a.created_at LIMIT 1",
  ).bind(second).first<{ id: string }>())!.id;
  const cash = await createAccount(owner, spaceId, { name: "Cash box", type: "savings", openingBalance: "1000.00", openingBalanceDate: day(100) });
  const before = await dailyNetWorth(owner, spaceId);
  const t = await callJson("/v1/transactions/transfer", { ...as(owner), body: { spaceId, fromAccountId: cash.id, toAccountId: successor, amount: "500.00", date: day(60), description: "Cash deposited at the bank" } });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  // A transfer between two of the space's own accounts moves no net worth on any day.
  expect(await dailyNetWorth(owner, spaceId)).toEqual(before);
});
