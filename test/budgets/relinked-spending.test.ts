/**
 * A bank disconnected and linked again counts once in budgets too (relinks.ts): the new link imports the same
 * history into new accounts while the old ones keep theirs, and a budget's spent (its read, its list, the
 * dashboard's compliance, the response of a patch) and its threshold alert counted both copies. The old
 * accounts' rows from the first row the provider imported for their successor on are left out, as cash flow
 * leaves them out; what only the old accounts hold still counts, and a row the user writes on the new account
 * moves nothing but its own amount.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser, type TestUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { disconnect, linkedPlaid as link } from "../analytics/relink-helpers";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";

/** Minor units (cents) as the API's decimal string. */
const dec = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
const cents = (decimal: string) => BigInt(decimal.replace(".", ""));

/**
 * A UTC space whose "Supermarket" category takes the sandbox's Whole Foods rows (a rule, applied by the sync),
 * and a yearly budget over it from `startDay` (alerts at 80%).
 */
async function spaceWithBudget(owner: TestUser, startDay: string) {
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const category = (await ok(a.post("/v1/categories", { spaceId, name: "Supermarket", type: "expense", rules: [{ condition: "merchant_contains", value: "whole foods" }] }))).id as string;
  const budget = async () => (await ok(a.post("/v1/budgets", { spaceId, name: "Food", amount: "1000000.00", period: "yearly", startDate: startDay, categoryIds: [category] }))).id as string;
  return { a, spaceId, category, budget };
}

const alerts = async (spaceId: string) =>
  (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ? ORDER BY created_at, id").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>())
    .results.map((r) => JSON.parse(r.payload));

/** The id of the account of `subtype` that connection `connectionId` imported into. */
const accountOf = async (connectionId: string, subtype: string) =>
  (await env.DB.prepare("SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.subtype = ?")
    .bind(connectionId, subtype).first<{ id: string }>())!.id;

describe("a bank linked again in budgets", () => {
  it("counts its spending once in the budget's read, its list, the dashboard and a patch, and alerts on it once", { timeout: 180_000 }, async () => {
    const owner = await registerUser();
    const { day } = localDays("UTC");
    const { a, spaceId, category, budget } = await spaceWithBudget(owner, day(-60));
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const first = await link(owner, spaceId, `${token}.1`);
    const id = await budget();
    // Set to twice what the bank spent: 50%, below the alert's 80%.
    const spent = cents((await ok(a.get(`/v1/budgets/${id}`))).spentDecimal);
    expect(spent).toBeGreaterThan(0n);
    const patched = await ok(a.patch(`/v1/budgets/${id}`, { amount: dec(2n * spent) }));
    expect(patched.spentDecimal).toBe(dec(spent));
    const before = await ok(a.get(`/v1/budgets/${id}`));
    expect(before).toMatchObject({ spentDecimal: dec(spent), remainingDecimal: dec(spent), status: "active" });

    await disconnect(owner, first);
    const second = await link(owner, spaceId, `${token}.2`); // the same login: the same history, imported anew

    expect(await ok(a.get(`/v1/budgets/${id}`))).toEqual(before);
    expect(await ok(a.get(`/v1/budgets?spaceId=${spaceId}`))).toEqual([before]);
    expect((await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).budgetCompliance).toEqual({ onTrack: 1, atRisk: 0, exceeded: 0, total: 1 });
    expect((await ok(a.patch(`/v1/budgets/${id}`, { name: "Groceries" }))).spentDecimal).toBe(dec(spent));

    // A write into the category checks the alert: 1.00 more is far from 80% of the budget (it was past it, counted twice).
    const checking = await accountOf(second, "checking");
    const spend = (amount: bigint) => ok(a.post("/v1/transactions", { spaceId, accountId: checking, amount: `-${dec(amount)}`, description: "market", categoryId: category, date: day(0) }));
    await spend(100n);
    expect(await alerts(spaceId)).toEqual([]);
    // Then past it, by what the bank spent once.
    const more = (6n * spent + 9n) / 10n;
    await spend(more);
    expect(await alerts(spaceId)).toEqual([expect.objectContaining({ budgetId: id, currentSpentDecimal: dec(spent + 100n + more), budgetAmountDecimal: dec(2n * spent) })]);
  });

  it("a bank linked three times (A → B → C) counts each day's spending once", { timeout: 240_000 }, async () => {
    const owner = await registerUser();
    const { day } = localDays("UTC");
    const { a, spaceId, budget } = await spaceWithBudget(owner, day(-80));
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const A = await link(owner, spaceId, `${token}.1`);
    const id = await budget();
    const once = (await ok(a.get(`/v1/budgets/${id}`))).spentDecimal as string;
    expect(cents(once)).toBeGreaterThan(0n);
    await disconnect(owner, A);
    const B = await link(owner, spaceId, `${token}.2`);
    expect((await ok(a.get(`/v1/budgets/${id}`))).spentDecimal).toBe(once);
    await disconnect(owner, B);
    const C = await link(owner, spaceId, `${token}.3`);
    // C's history starts later than B's (linked weeks after, with the same 90 days: the sandbox anchors every item today).
    await env.DB.prepare(
      `DELETE FROM transactions WHERE account_id IN (SELECT account_id FROM provider_accounts WHERE connection_id = ?) AND date < ?`,
    ).bind(C, Date.parse(`${day(-30)}T00:00:00Z`)).run();
    // [-80, -30) is held by A and B, [-30, 0) by all three: each counts once, in the read and in the list.
    expect((await ok(a.get(`/v1/budgets/${id}`))).spentDecimal).toBe(once);
    expect((await ok(a.get(`/v1/budgets?spaceId=${spaceId}`))).map((b: { spentDecimal: string }) => b.spentDecimal)).toEqual([once]);
  });

  it("takes over from the successor's first imported row: older days count from the old account, a back-dated manual row only itself", { timeout: 240_000 }, async () => {
    const owner = await registerUser();
    const { day } = localDays("UTC");
    const { a, spaceId, category, budget } = await spaceWithBudget(owner, day(-150));
    const login = `public-sandbox-${crypto.randomUUID()}`;
    // One login linked with 200 days of history, disconnected, then linked again with 30.
    const first = await link(owner, spaceId, `${login}.history-200`);
    const id = await budget();
    await disconnect(owner, first);
    const again = await link(owner, spaceId, `${login}.history-30`);
    // A 1.00 expense on the new checking account, dated before its imported history.
    const checking = await accountOf(again, "checking");
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking, amount: "-1.00", description: "old market receipt", categoryId: category, date: day(-100) }));

    // What the budget counts, from the rows: an old account's before the first row the provider imported into its
    // successor (of any category: where the successor's history begins), every row of the new accounts.
    const rows = (await env.DB.prepare(
      `SELECT t.amount, t.date, pa.connection_id AS conn, a.subtype FROM transactions t
         JOIN provider_accounts pa ON pa.account_id = t.account_id JOIN accounts a ON a.id = t.account_id
        WHERE t.category_id = ? AND t.status != 'cancelled' AND t.date >= ?`,
    ).bind(category, Date.parse(`${day(-150)}T00:00:00Z`)).all<{ amount: number; date: number; conn: string; subtype: string }>()).results;
    const firsts = new Map((await env.DB.prepare(
      `SELECT a.subtype, MIN(t.date) AS first FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id JOIN accounts a ON a.id = t.account_id
        WHERE pa.connection_id = ? AND t.provider_transaction_id IS NOT NULL AND t.provider_transaction_id NOT LIKE 'balance#%' GROUP BY a.subtype`,
    ).bind(again).all<{ subtype: string; first: number }>()).results.map((r) => [r.subtype, r.first]));
    expect(firsts.get("checking")).toBeGreaterThanOrEqual(Date.parse(`${day(-30)}T00:00:00Z`));
    const counted = rows.filter((r) => r.conn === again || r.date < firsts.get(r.subtype)!);
    const expected = -counted.reduce((s, r) => s + BigInt(r.amount), 0n);
    expect(counted.length).toBeLessThan(rows.length); // the old account holds rows the successor took over
    expect((await ok(a.get(`/v1/budgets/${id}`))).spentDecimal).toBe(dec(expected));
  });

  it("in another currency than the budget's, a day that nets to nothing once the old copies are taken out needs no rate", { timeout: 180_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    // A peso budget over a dollar bank: its spending converts at each day's rate (the space's own, here).
    const spaceId = (await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "MXN", timezone: "UTC" }))).id as string;
    await env.DB.prepare("DELETE FROM exchange_rates").run();
    const category = (await ok(a.post("/v1/categories", { spaceId, name: "Supermarket", type: "expense", rules: [{ condition: "merchant_contains", value: "whole foods" }] }))).id as string;
    const other = ((await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string }[]).find((c) => c.name === "Health")!.id;
    // One login (the part before the dot is the seed): the same bank data every run. With a random one, about one
    // run in 27 had Whole Foods rows on a single day of the last 20 (or none): nothing was left after that day.
    const token = `public-sandbox-relinked-fx.${crypto.randomUUID()}`;
    await disconnect(owner, await link(owner, spaceId, token));
    const again = await link(owner, spaceId, `public-sandbox-relinked-fx.${crypto.randomUUID()}`);
    // The new link's first day of supermarket rows in the last 20: the user moves them all to another category.
    const rows = (await env.DB.prepare(
      `SELECT t.id, t.date FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id
        WHERE pa.connection_id = ? AND t.category_id = ? AND t.date >= ? ORDER BY t.date`,
    ).bind(again, category, Date.parse(`${day(-20)}T00:00:00Z`)).all<{ id: string; date: number }>()).results;
    // What the test needs of the bank's data: supermarket rows on two days at least, so some are left after the first.
    expect(new Set(rows.map((r) => new Date(r.date).toISOString().slice(0, 10))).size).toBeGreaterThan(1);
    const first = new Date(rows[0]!.date).toISOString().slice(0, 10);
    for (const r of rows.filter((r) => new Date(r.date).toISOString().startsWith(first))) await ok(a.patch(`/v1/transactions/${r.id}`, { categoryId: other }));
    // A yearly budget from that day; a rate for every later day, none for it (nor before it).
    const later = Array.from({ length: 21 }, (_, i) => day(-20 + i)).filter((d) => d > first);
    await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: later.map((date) => ({ base: "USD", quote: "MXN", date, rate: "17.5" })) }));
    const id = (await ok(a.post("/v1/budgets", { spaceId, name: "Food", amount: "1000000.00", period: "yearly", startDate: first, categoryIds: [category] }))).id as string;
    // That day's old rows are taken out by their own copies: nothing of the day is left to convert.
    const read = await ok(a.get(`/v1/budgets/${id}`));
    expect(read.conversion).toMatchObject({ complete: true, unconverted: [] });
    expect(cents(read.spentDecimal)).toBeGreaterThan(0n);
  });

  it("another login at the same bank is another bank: both count", { timeout: 120_000 }, async () => {
    const owner = await registerUser();
    const { day } = localDays("UTC");
    const { a, spaceId, budget } = await spaceWithBudget(owner, day(-60));
    const first = await link(owner, spaceId, `public-sandbox-${crypto.randomUUID()}`);
    const id = await budget();
    const alone = cents((await ok(a.get(`/v1/budgets/${id}`))).spentDecimal);
    await disconnect(owner, first);
    await link(owner, spaceId, `public-sandbox-${crypto.randomUUID()}`); // other accounts (other last four digits)
    expect(cents((await ok(a.get(`/v1/budgets/${id}`))).spentDecimal)).toBeGreaterThan(alone);
  });
});
