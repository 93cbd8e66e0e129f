/**
 * Rows written by hand on a bank-fed account and the bank's copies (manual-match.ts): the cases a hostile review and a
 * QA sweep found counted twice, lost or paired wrong in the first version. Each is a purchase that must count once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, bankRow, day, linked, TZ } from "./hand-written-fixture";
import { applyChanges } from "../../src/modules/providers/apply";
import { emptyStats, type NormalAccount, type NormalTxn } from "../../src/modules/providers/sync-types";
import { createConnection, getConnection } from "../../src/modules/providers/connections";
import type { Services } from "../../src/env";
import { registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { directServices, ledgerBinding } from "./helpers";
import { disconnect } from "../analytics/relink-helpers";

describe("a hand-written row and the bank's copy, edge cases", () => {
  it("a sync that comes more than ten days after the hand-written day (a reauth gap) still pairs the bank's copy with it", { timeout: 60_000 }, async () => {
    const w = await linked();
    const before = Number(await w.expenses());
    // Logged on its day, 14 days ago; the connection then needed a login again and did not sync until now.
    const hand = await w.write({ amount: "-30.00", description: "shoes", date: day(-14) });
    await w.sync({ chk: 92_000 }, [bankRow("b1", day(-13), -3_000)]);
    expect.soft(await w.liveOf("b1")).toEqual([hand.id]);
    expect.soft(Number(await w.expenses())).toBeCloseTo(before + 30, 6);
    expect(await w.balance()).toBe("920.00");
  });

  it("two runs of one sync at once (a redelivery): one takes the row over, the other posts nothing", { timeout: 60_000 }, async () => {
    const w = await linked();
    const hand = await w.write({ amount: "-42.17", description: "Farmers market", date: day(0) });
    const changes = [bankRow("b1", day(0), -4_217)];
    // Run B is held just before its hand-written read, after its groups are read; run A runs whole meanwhile.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atRead = new Promise<void>((r) => (reached = r));
    const real = env.DB;
    const marked = new WeakSet<object>();
    const held: D1Database = new Proxy(real, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            const stmt = target.prepare(sql);
            if (!sql.includes("AND date >= ? AND provider_transaction_id IS NULL")) return stmt;
            return { bind: (...args: unknown[]) => { const b = stmt.bind(...args); marked.add(b); return b; } };
          };
        }
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            if (stmts.some((x) => marked.has(x))) {
              reached();
              await gate;
            }
            return target.batch(stmts);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const svcB: Services = { ...w.svc, env: { ...w.svc.env, DB: held } };
    const runB = w.sync({ chk: 90_783 }, changes, { svc: svcB });
    await atRead;
    await w.sync({ chk: 90_783 }, changes);
    release();
    await runB;
    expect.soft(await w.balance()).toBe("907.83");
    expect.soft(Number(await w.expenses())).toBeCloseTo(42.17, 6);
    expect.soft(await w.liveOf("b1")).toEqual([hand.id]);
    expect.soft(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a purchase logged after the bank's pending copy came in does not wait: the next sync's adjustment cancels it in the balance", { timeout: 60_000 }, async () => {
    const w = await linked();
    await w.sync({ chk: 95_000 }, [bankRow("p1", day(0), -4_217, { pending: true })]);
    expect(await w.balance()).toBe("907.83");
    // In the evening the person logs the purchase the bank's feed already had (pending) that afternoon.
    await w.write({ amount: "-42.17", description: "Farmers market", date: day(0) });
    await w.sync({ chk: 95_000 }, []);
    expect(await w.balance()).toBe("907.83");
  });

  it("equal amounts pair by category first: the fuel and the groceries written by hand each take their own bank row", { timeout: 60_000 }, async () => {
    const w = await linked();
    const groceries = await w.newCategory("Supermarket", [{ condition: "merchant_contains", value: "WALMART" }]);
    const fuel = await w.newCategory("Fuel", [{ condition: "merchant_contains", value: "SHELL" }]);
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "500.00", period: "monthly", startDate: day(-40), categoryIds: [groceries] }))).id as string;
    const spent = Number((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal);
    const before = Number(await w.expenses());
    // Two purchases of 50.00 written by hand, each under its category; the fuel's day is the nearer to both bank rows.
    const shop = await w.write({ amount: "-50.00", description: "weekly groceries", date: day(-2), categoryId: groceries });
    const tank = await w.write({ amount: "-50.00", description: "tank", date: day(0), categoryId: fuel });
    await w.sync({ chk: 85_000 }, [
      // Ids in the order that pairs them crosswise by day alone (the tank with the first of two equal days).
      bankRow("a-wmt", day(0), -5_000, { merchantName: "WALMART", description: "WALMART #44" }),
      bankRow("b-shell", day(0), -5_000, { merchantName: "SHELL OIL 123", description: "SHELL OIL 123" }),
    ]);
    expect((await w.row(shop.id))!.pid).toBe("a-wmt");
    expect((await w.row(tank.id))!.pid).toBe("b-shell");
    expect(Number((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal)).toBeCloseTo(spent + 50, 6);
    expect(Number(await w.expenses())).toBeCloseTo(before + 100, 6);
    expect(await w.balance()).toBe("850.00");
  });

  it("a bank linked again: a taken-over row pairs by the bank's day, so its new copy takes the person's work and the budget keeps it", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Relinked", type: "personal", currency: "USD", timezone: TZ }))).id as string;
    const groceries = (await ok(a.post("/v1/categories", { spaceId, name: "Groceries", type: "expense" }))).id as string;
    const budget = (await ok(a.post("/v1/budgets", { spaceId, name: "Food", amount: "500.00", period: "monthly", startDate: day(-40), categoryIds: [groceries] }))).id as string;
    const acct: NormalAccount = { externalId: "ext-1", name: "Checking", type: "checking", subtype: null, currency: "USD", mask: "0001", balanceMinor: null };
    const r = (id: string, date: string, amountMinor: number, description: string): NormalTxn => ({ id, accountExternalId: "ext-1", amountMinor, date, description, merchantName: null, pending: false, pendingId: null });
    const connect = async () => {
      const { svc } = directServices();
      const made = await createConnection(svc, { spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionId: "ins_carry", institutionName: "Bank", credentials: { accessToken: "x", itemId: "y" }, createdBy: owner.id });
      const conn = (await getConnection(svc, made.id))!;
      return { id: conn.id, sync: (rows: NormalTxn[]) => applyChanges(svc, conn, { accounts: [acct], upserts: rows, removed: [], matchPendingHeuristically: false }, emptyStats()) };
    };
    const first = await connect();
    await first.sync([r("o0", day(-30), -1_000, "NETFLIX.COM")]);
    const oldAccount = (await env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ?").bind(first.id).first<{ account_id: string }>())!.account_id;
    const hand = await ok(a.post("/v1/transactions", { spaceId, accountId: oldAccount, amount: "-25.00", description: "market", date: day(0), categoryId: groceries, notes: "mine" }));
    await first.sync([r("b1", day(-1), -2_500, "WALMART SUPERCENTER")]);
    expect((await env.DB.prepare("SELECT provider_transaction_id AS pid FROM transactions WHERE id = ?").bind(hand.id).first<{ pid: string }>())!.pid).toBe("b1");
    const spent = (await ok(a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
    await disconnect(owner, first.id);
    const second = await connect();
    await second.sync([r("n0", day(-30), -1_000, "NETFLIX.COM"), r("n1", day(-1), -2_500, "WALMART SUPERCENTER")]);
    const copy = (await env.DB.prepare("SELECT category_id, notes FROM transactions WHERE provider_transaction_id = 'n1' AND space_id = ?").bind(spaceId).first<{ category_id: string | null; notes: string | null }>())!;
    expect.soft(copy).toEqual({ category_id: groceries, notes: "mine" });
    expect.soft((await ok(a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe(spent);
    expect.soft(await ledgerViolations(spaceId)).toEqual([]);
  });
});

async function linkedDining() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id as string;
  const { svc } = directServices();
  const made = await createConnection(svc, { spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionName: "Bank", credentials: { accessToken: "x", itemId: "y" }, createdBy: owner.id });
  const conn = (await getConnection(svc, made.id))!;
  const sync = async (balances: Record<string, number>, rows: NormalTxn[], extra: { removed?: string[]; svc?: Services } = {}) => {
    const stats = emptyStats();
    await applyChanges(extra.svc ?? svc, conn, { accounts: Object.entries(balances).map(([ext, b]) => account(ext, b)), upserts: rows, removed: extra.removed ?? [], matchPendingHeuristically: false }, stats);
    return stats;
  };
  await sync({ chk: 95_000 }, [bankRow("open1", day(-40), -5_000)]);
  const checking = (await env.DB.prepare("SELECT id FROM accounts WHERE space_id = ? AND provider_account_id = 'chk'").bind(spaceId).first<{ id: string }>())!.id;
  const category = (await ok(a.post("/v1/categories", { spaceId, name: "Dining", type: "expense" }))).id as string;
  const write = (body: Record<string, unknown>) => ok(a.post("/v1/transactions", { spaceId, accountId: checking, ...body }));
  const balance = async () => (await ok(a.get(`/v1/accounts/${checking}`))).balanceDecimal as string;
  const live = async () => (await env.DB.prepare("SELECT amount, description, provider_transaction_id AS pid, status FROM transactions WHERE account_id = ? AND status != 'cancelled' AND (subtype IS NULL OR subtype != 'adjustment') AND provider_transaction_id IS NOT 'open1' ORDER BY date, id").bind(checking).all()).results;
  const budget = async (startDate: string) => (await ok(a.post("/v1/budgets", { spaceId, name: "Dining", amount: "500.00", period: "monthly", startDate, categoryIds: [category] }))).id as string;
  return { a, spaceId, svc, sync, checking, category, write, balance, live, budget };
}

describe("a hand-written row: other kinds of rows", () => {
  it("120 take-overs go in two round trips (one batch each of up to 100), not one each", { timeout: 180_000 }, async () => {
    const w = await linkedDining();
    const amounts = Array.from({ length: 120 }, (_, i) => 100 + i);
    for (let i = 0; i < amounts.length; i += 20) await Promise.all(amounts.slice(i, i + 20).map((m) => w.write({ amount: `-${(m / 100).toFixed(2)}`, description: `p${m}`, date: day(-5) })));
    const takeOvers = new WeakSet<object>();
    let batches = 0;
    let single = 0;
    const counted: D1Database = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            const stmt = target.prepare(sql);
            if (!sql.trimStart().startsWith("UPDATE transactions SET provider_transaction_id")) return stmt;
            return new Proxy(stmt, {
              get(st, p2) {
                if (p2 === "bind") return (...args: unknown[]) => { const b = st.bind(...args); takeOvers.add(b); return b; };
                if (p2 === "run") return () => { single++; return st.run(); };
                const v = Reflect.get(st, p2);
                return typeof v === "function" ? v.bind(st) : v;
              },
            });
          };
        }
        if (prop === "batch") return (stmts: D1PreparedStatement[]) => { if (stmts.some((x) => takeOvers.has(x))) batches++; return target.batch(stmts); };
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const total = amounts.reduce((sum, m) => sum + m, 0);
    const stats = await w.sync({ chk: 95_000 - total }, amounts.map((m) => bankRow(`b${m}`, day(-4), -m)), { svc: { ...w.svc, env: { ...w.svc.env, DB: counted } } });
    expect(stats).toMatchObject({ created: 0, updated: 120, adjustments: 0 });
    expect({ batches, single }).toEqual({ batches: 2, single: 0 });
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("the person writes the amount with the tip; the bank's pending copy before the tip, then its posting: one transaction", { timeout: 60_000 }, async () => {
    const w = await linkedDining();
    const id = await w.budget(day(-40));
    const spent = (await ok(w.a.get(`/v1/budgets/${id}`))).spentDecimal as string;
    const hand = await w.write({ amount: "-46.00", description: "dinner with tip", date: day(0), categoryId: w.category, notes: "anniversary" });
    // The bank's pending authorization (40.00, before the tip) is another amount: a row of its own for now.
    await w.sync({ chk: 95_000 }, [bankRow("p1", day(0), -4_000, { pending: true })]);
    // Its posting (46.00) names it: the hand-written row is the transaction, the pending copy its duplicate.
    const stats = await w.sync({ chk: 90_400 }, [bankRow("q1", day(1), -4_600, { pendingId: "p1" })], { removed: ["p1"] });
    expect(stats).toMatchObject({ created: 0, adjustments: 0 });
    expect(await w.live()).toEqual([{ amount: -4_600, description: "dinner with tip", pid: "q1", status: "posted" }]);
    expect(await w.balance()).toBe("904.00");
    expect((await ok(w.a.get(`/v1/budgets/${id}`))).spentDecimal).toBe((Number(spent) + 46).toFixed(2));
    expect((await ok(w.a.get(`/v1/transactions/${hand.id}`))).notes).toBe("anniversary");
    // The bank's own day of the posting is kept aside (a relink's copy pairs by it), not the pending copy's.
    expect((await env.DB.prepare("SELECT provider_day FROM transactions WHERE id = ?").bind(hand.id).first())).toEqual({ provider_day: day(1) });
    // The bank says it again: nothing moves.
    expect(await w.sync({ chk: 90_400 }, [bankRow("q1", day(1), -4_600, { pendingId: "p1" })])).toMatchObject({ created: 0, adjustments: 0, corrections: 0 });
    expect(await w.balance()).toBe("904.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a tip merged into a hand-written row whose pending copy's reversal failed: the next sync reverses it", { timeout: 60_000 }, async () => {
    const w = await linkedDining();
    await w.write({ amount: "-46.00", description: "dinner with tip", date: day(0), categoryId: w.category });
    await w.sync({ chk: 95_000 }, [bankRow("p1", day(0), -4_000, { pending: true })]);
    let failed = false;
    const flaky: Services = { ...w.svc, env: { ...w.svc.env, SPACE_LEDGER: ledgerBinding(async (op, execute) => {
      if (op.kind === "revert" && !failed) {
        failed = true;
        throw new Error("simulated crash before the reversal");
      }
      return execute(op);
    }) } };
    const posting = [bankRow("q1", day(1), -4_600, { pendingId: "p1" })];
    await expect(w.sync({ chk: 90_400 }, posting, { removed: ["p1"], svc: flaky })).rejects.toThrow("simulated crash");
    expect(await w.balance()).toBe("864.00"); // both, for now
    // The retry (the same changes: the cursor did not move).
    await w.sync({ chk: 90_400 }, posting, { removed: ["p1"] });
    expect(await w.live()).toEqual([{ amount: -4_600, description: "dinner with tip", pid: "q1", status: "posted" }]);
    expect(await w.balance()).toBe("904.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a sync twelve days late takes the hand-written row over: one row, the person's text", { timeout: 60_000 }, async () => {
    const w = await linkedDining();
    // Logged by hand 12 days ago; the bank posted it 11 days ago, but no sync ran since (reauth_required for two weeks).
    await w.write({ amount: "-25.00", description: "shoes", date: day(-12), categoryId: w.category, notes: "mine" });
    const stats = await w.sync({ chk: 92_500 }, [bankRow("s1", day(-11), -2_500)]);
    expect(stats).toMatchObject({ created: 0, updated: 1 });
    const rows = await w.live();
    expect(await w.balance()).toBe("925.00");
    expect(rows).toEqual([{ amount: -2_500, description: "shoes", pid: "s1", status: "posted" }]);
  });

  it("a transfer written by hand to a manual account waits for the bank, and its copy is the transfer, not an expense", { timeout: 60_000 }, async () => {
    const w = await linkedDining();
    const savings = (await ok(w.a.post("/v1/accounts", { spaceId: w.spaceId, name: "Cash jar", type: "savings", currency: "USD", openingBalance: "0.00" }))).id as string;
    const dash = async () => (await ok(w.a.get(`/v1/analytics/dashboard?spaceId=${w.spaceId}&period=7d`))).cashFlow;
    const before = await dash();
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: w.checking, toAccountId: savings, amount: "500.00", currency: "USD", date: day(0), description: "to the jar" }));
    expect(await w.sync({ chk: 95_000 }, [])).toMatchObject({ adjustments: 0 });
    expect(await w.balance()).toBe("450.00");
    expect(await w.sync({ chk: 45_000 }, [bankRow("t1", day(0), -50_000, { description: "ONLINE TRANSFER", merchantName: null })])).toMatchObject({ created: 0, updated: 1, adjustments: 0 });
    expect(await w.balance()).toBe("450.00");
    const after = await dash();
    // Money moved between two of the person's own accounts: no expense.
    expect(after.expensesDecimal).toBe(before.expensesDecimal);
  });

  it("a fee written by hand waits for the bank and its copy takes it over", { timeout: 60_000 }, async () => {
    const w = await linkedDining();
    await w.write({ amount: "-3.00", description: "ATM fee", date: day(0), type: "fee" });
    expect(await w.sync({ chk: 95_000 }, [])).toMatchObject({ adjustments: 0 });
    expect(await w.sync({ chk: 94_700 }, [bankRow("f1", day(0), -300)])).toMatchObject({ created: 0, updated: 1, adjustments: 0 });
    expect(await w.balance()).toBe("947.00");
    expect(await w.live()).toEqual([{ amount: -300, description: "ATM fee", pid: "f1", status: "posted" }]);
  });

  it("a cheque logged as pending and cashed two weeks later is taken over: the balance is the bank's", { timeout: 60_000 }, async () => {
    const w = await linkedDining();
    await w.write({ amount: "-120.00", description: "cheque #104 to the plumber", date: day(-14), status: "pending" });
    await w.sync({ chk: 95_000 }, []);
    expect(await w.balance()).toBe("830.00"); // the bank's 950.00, less the cheque it has not seen
    expect(await w.sync({ chk: 83_000 }, [bankRow("chq104", day(0), -12_000, { description: "CHECK 104", merchantName: null })])).toMatchObject({ created: 0, updated: 1, adjustments: 0 });
    expect(await w.sync({ chk: 83_000 }, [])).toMatchObject({ adjustments: 0 });
    expect(await w.live()).toEqual([{ amount: -12_000, description: "cheque #104 to the plumber", pid: "chq104", status: "posted" }]);
    // The bank holds 830.00 and has nothing pending: so should the account.
    expect(await w.balance()).toBe("830.00");
  });
});

const utcDay = localDays("UTC").day;
const relinkAccount: NormalAccount = { externalId: "ext-1", name: "Checking", type: "checking", subtype: null, currency: "USD", mask: "0001", balanceMinor: null };
const sushi = (id: string, date: string, amountMinor: number, description = "SUSHI PLACE"): NormalTxn =>
  ({ id, accountExternalId: "ext-1", amountMinor, date, description, merchantName: "Sushi Place", pending: false, pendingId: null });

async function relinkable() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Relinked", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const dining = (await ok(a.post("/v1/categories", { spaceId, name: "Dining", type: "expense" }))).id as string;
  const connect = async () => {
    const { svc } = directServices();
    const made = await createConnection(svc, { spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionId: "ins_carry", institutionName: "Bank", credentials: { accessToken: "x", itemId: "y" }, createdBy: owner.id });
    const conn = (await getConnection(svc, made.id))!;
    return { id: conn.id, sync: (rows: NormalTxn[]) => applyChanges(svc, conn, { accounts: [relinkAccount], upserts: rows, removed: [], matchPendingHeuristically: false }, emptyStats()) };
  };
  const accountOf = async (connId: string) => (await env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ?").bind(connId).first<{ account_id: string }>())!.account_id;
  const cash = async () => (await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).cashFlow.expensesDecimal as string;
  // A month from day(-25): its current period always holds days -20 to 0. One from day(-60) began its current period
  // at day(-1) or day(0) from Feb 28 to Apr 29 (two months after day(-60) are 59-61 days there): the person's day (-3)
  // was out and the new link's copy (the bank's day, -1) in, so the spent before and after the relink differed.
  const budget = (await ok(a.post("/v1/budgets", { spaceId, name: "Dining", amount: "500.00", period: "monthly", startDate: utcDay(-25), categoryIds: [dining] }))).id as string;
  const spent = async () => (await ok(a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
  return { owner, a, spaceId, dining, connect, accountOf, cash, spent };
}

describe("a hand-written row and a bank linked again", () => {
  it("a taken-over row (the bank's day two days after the person's), linked again: its work is carried, the figures stay", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    await first.sync([sushi("o1", utcDay(-20), -1_000)]);
    const hand = await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: await w.accountOf(first.id), amount: "-42.00", description: "anniversary dinner", date: utcDay(-3), categoryId: w.dining, notes: "mine" }));
    await first.sync([sushi("o1", utcDay(-20), -1_000), sushi("o2", utcDay(-1), -4_200)]);
    expect((await env.DB.prepare("SELECT provider_transaction_id AS pid, provider_day FROM transactions WHERE id = ?").bind(hand.id).first())).toEqual({ pid: "o2", provider_day: utcDay(-1) });
    const before = { cash: await w.cash(), spent: await w.spent() };
    await disconnect(w.owner, first.id);
    const second = await w.connect();
    await second.sync([sushi("n1", utcDay(-20), -1_000), sushi("n2", utcDay(-1), -4_200)]);
    expect(await env.DB.prepare("SELECT category_id, notes FROM transactions WHERE provider_transaction_id = 'n2' AND space_id = ?").bind(w.spaceId).first()).toEqual({ category_id: w.dining, notes: "mine" });
    const after = { cash: await w.cash(), spent: await w.spent() };
    expect(after).toEqual(before);
  });

  it("a row still waiting when the bank is linked again pairs with the new link's copy: counted once", { timeout: 60_000 }, async () => {
    const w = await relinkable();
    const first = await w.connect();
    await first.sync([sushi("o1", utcDay(-20), -1_000)]);
    await ok(w.a.post("/v1/transactions", { spaceId: w.spaceId, accountId: await w.accountOf(first.id), amount: "-42.00", description: "anniversary dinner", date: utcDay(-3), categoryId: w.dining, notes: "mine" }));
    const before = { cash: await w.cash(), spent: await w.spent() };
    await disconnect(w.owner, first.id);
    const second = await w.connect();
    await second.sync([sushi("n1", utcDay(-20), -1_000), sushi("n2", utcDay(-1), -4_200)]);
    // The new copy is posted, with the person's work; the old row is a copy the new account holds again.
    expect(await env.DB.prepare("SELECT category_id, notes FROM transactions WHERE provider_transaction_id = 'n2' AND space_id = ?").bind(w.spaceId).first()).toEqual({ category_id: w.dining, notes: "mine" });
    expect({ cash: await w.cash(), spent: await w.spent() }).toEqual(before);
  });
});
