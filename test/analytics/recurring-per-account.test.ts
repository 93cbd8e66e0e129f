/**
 * Recurring detection per account (recurring.ts). Series were grouped by merchant, direction and currency across
 * accounts and kept one payment a day: two people's accounts paying Netflix and the gym on the same days gave one
 * series each, on one account, and the other account's payments were dropped as same-day copies; the forecast
 * then projected the bills on one account only and guessed the other's as irregular spending. Now each account has
 * its own series; a bank linked again still counts as one account (its old account's rows before the new history
 * and the new account's after make one series, on the id it had), and a decision stored when one series stood for
 * both accounts still holds for each.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { seriesIdOf } from "../../src/modules/analytics/recurring";
import { api, inBatches, localDays, ok } from "./fixture";
import { disconnect, linkedPlaid as link } from "./relink-helpers";

type SeriesOut = { id: string; name: string; accountId: string; occurrences: number; status: string; amountDecimal: string; transactionIds: string[] } & Record<string, unknown>;

const TZ = "UTC";
const { baseUtc } = localDays(TZ);
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const todayDom = new Date(baseUtc).getUTCDate();
/** The last `n` dates on day `dom` of the month, before today. */
const lastOn = (dom: number, n: number) => {
  const t = new Date(baseUtc);
  const start = todayDom > dom ? 0 : -1;
  return Array.from({ length: n }, (_, i) => ymd(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + start - i, dom))).reverse();
};
/** How many days of the forecast's horizon (tomorrow to 60 days ahead) fall on day `dom` of the month. */
const dueInHorizon = (dom: number) => Array.from({ length: 60 }, (_, i) => new Date(baseUtc + (i + 1) * 86_400_000).getUTCDate()).filter((d) => d === dom).length;

async function twoAccounts() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: TZ }))).id as string;
  const ana = (await createAccount(owner, spaceId, { name: "Ana checking", openingBalance: "4544.06" })).id as string;
  const luis = (await createAccount(owner, spaceId, { name: "Luis checking", openingBalance: "4544.06" })).id as string;
  const txs: Record<string, unknown>[] = [];
  for (const accountId of [ana, luis]) {
    for (const date of lastOn(15, 6)) txs.push({ spaceId, accountId, amount: "-15.99", date, merchantName: "Netflix", description: "Netflix" });
    for (const date of lastOn(3, 6)) txs.push({ spaceId, accountId, amount: "-60.00", date, merchantName: "SmartFit", description: "SmartFit" });
  }
  await inBatches(txs, 6, (t) => ok(a.post("/v1/transactions", t)));
  return { owner, a, spaceId, ana, luis };
}

describe("recurring series per account", () => {
  it("two accounts paying the same bills on the same days have a series each, and the forecast projects both alike", { timeout: 120_000 }, async () => {
    const { a, spaceId, ana, luis } = await twoAccounts();
    const series = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series as SeriesOut[];
    const of = (name: string, accountId: string) => series.filter((s) => s.name === name && s.accountId === accountId);
    for (const accountId of [ana, luis]) {
      expect(of("Netflix", accountId)).toEqual([expect.objectContaining({ cadence: "monthly", occurrences: 6, amountDecimal: "-15.99" })]);
      expect(of("SmartFit", accountId)).toEqual([expect.objectContaining({ cadence: "monthly", occurrences: 6, amountDecimal: "-60.00" })]);
    }
    expect(series).toHaveLength(4);
    expect(new Set(series.map((s) => s.id)).size).toBe(4);

    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    const acc = (id: string) => f.accounts.find((x: any) => x.accountId === id);
    // Each account: 4544.06 less six of each bill, then the bills due in the horizon.
    const now = 454406 - 6 * 1599 - 6 * 6000;
    const projected = now - dueInHorizon(15) * 1599 - dueInHorizon(3) * 6000;
    for (const id of [ana, luis]) {
      expect(acc(id)).toMatchObject({ currentBalanceDecimal: (now / 100).toFixed(2), projectedBalanceDecimal: (projected / 100).toFixed(2) });
    }
    expect(f.summary).toMatchObject({ totalProjectedExpensesDecimal: ((2 * (now - projected)) / 100).toFixed(2), totalProjectedIncomeDecimal: "0.00" });
  });

  it("a decision stored when one series stood for both accounts holds for each; a restore of one leaves the other's", { timeout: 120_000 }, async () => {
    const { a, spaceId, ana, luis } = await twoAccounts();
    // Dismissed before series were per account: stored under the merchant's id, without the account.
    const legacy = await seriesIdOf(spaceId, "expense", "USD", "netflix");
    await env.DB.prepare(
      "INSERT INTO recurring_decisions (space_id, series_key, status, name, amount, cadence, updated_by, created_at, updated_at) VALUES (?, ?, 'dismissed', NULL, NULL, NULL, 'usr_x', 1, 1)",
    ).bind(spaceId, legacy).run();
    const list = async () => (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}&includeDismissed=true`))).series as SeriesOut[];
    const netflix = async (accountId: string) => (await list()).find((s) => s.name === "Netflix" && s.accountId === accountId)!;
    expect((await netflix(ana)).status).toBe("dismissed");
    expect((await netflix(luis)).status).toBe("dismissed");
    const shown = (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))) as { series: SeriesOut[]; dismissedCount: number };
    expect(shown.series.map((s) => s.name).sort()).toEqual(["SmartFit", "SmartFit"]);
    expect(shown.dismissedCount).toBe(2);

    const restored = await ok(a.patch(`/v1/analytics/recurring/${(await netflix(ana)).id}`, { spaceId, action: "restore" }));
    expect(restored.series).toMatchObject({ accountId: ana, status: "detected" });
    expect((await netflix(ana)).status).toBe("detected");
    expect((await netflix(luis)).status).toBe("dismissed");
    // The merchant's decision went to Luis's series alone.
    const keys = (await env.DB.prepare("SELECT series_key FROM recurring_decisions WHERE space_id = ?").bind(spaceId).all<{ series_key: string }>()).results;
    expect(keys.map((k) => k.series_key)).toEqual([(await netflix(luis)).id]);
  });

  it("a bank linked again with a shorter history keeps one series per account, on its id, counted once", { timeout: 240_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const login = `public-sandbox-${crypto.randomUUID()}`;
    const series = async () => (await ok(a.get(`/v1/analytics/recurring?spaceId=${spaceId}`))).series as SeriesOut[];
    const checkingOf = async (connectionId: string) =>
      (await env.DB.prepare("SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.subtype = 'checking'")
        .bind(connectionId).first<{ id: string }>())!.id;
    const first = await link(owner, spaceId, `${login}.history-200`);
    const before = await series();
    expect(before.map((s) => [s.name, s.cadence])).toEqual(expect.arrayContaining([["Acme Corp", "biweekly"], ["RENT PAYMENT PARKSIDE APTS", "monthly"]]));
    await disconnect(owner, first);
    // The same login with 30 days of history: the old account's rows before it still count, the new one's after.
    const again = await link(owner, spaceId, `${login}.history-30`);
    const [oldChecking, newChecking] = [await checkingOf(first), await checkingOf(again)];
    const after = await series();
    // One series per merchant still (not the old account's half and the new one's), on the ids decisions are stored by.
    expect(after.map((s) => [s.id, s.name]).sort()).toEqual(before.map((s) => [s.id, s.name]).sort());
    for (const s of after) expect(s.accountId, s.name).toBe(newChecking);
    // The payroll's payments: the old account's before the new history begins, and the new account's, each once.
    const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
    const since = await count("SELECT MIN(date) AS n FROM transactions WHERE account_id = ? AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE 'balance#%'", newChecking);
    const oldPays = await count("SELECT COUNT(*) AS n FROM transactions WHERE account_id = ? AND merchant_name = 'Acme Corp' AND date < ?", oldChecking, since);
    const newPays = await count("SELECT COUNT(*) AS n FROM transactions WHERE account_id = ? AND merchant_name = 'Acme Corp'", newChecking);
    expect(oldPays).toBeGreaterThan(5);
    expect(newPays).toBeGreaterThan(0);
    const payroll = after.find((s) => s.name === "Acme Corp")!;
    expect(payroll).toMatchObject({ cadence: "biweekly", occurrences: oldPays + newPays });
  });
});
