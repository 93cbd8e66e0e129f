/**
 * Rows written by hand on a bank-fed account and the bank's copies (manual-match.ts): cases a second review found
 * after a4f65b5, each through the sync engine with the figures a person reads.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bankRow, day, linked } from "./hand-written-fixture";
import { applyChanges } from "../../src/modules/providers/apply";
import { emptyStats, type NormalAccount, type NormalTxn } from "../../src/modules/providers/sync-types";
import { createConnection, getConnection } from "../../src/modules/providers/connections";
import { registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { directServices } from "./helpers";
import { disconnect } from "../analytics/relink-helpers";

const utcDay = localDays("UTC").day;

describe("a hand-written row taken over, after", () => {
  it("Belvo: a pending copy that took a row over is matched to its posted copy by the bank's day, not the person's", { timeout: 60_000 }, async () => {
    const w = await linked("belvo");
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "500.00", period: "monthly", startDate: day(-40), categoryIds: [w.category] }))).id as string;
    // Logged two days after the purchase, dated the day it was logged.
    const hand = await w.write({ amount: "-42.17", description: "Farmers market", date: day(0), categoryId: w.category, notes: "mine" });
    const open1 = bankRow("open1", day(-30), -5_000);
    const market = { merchantName: "MERCADO ROMA", description: "MERCADO ROMA" };
    await w.sync({ chk: 95_000 }, [open1, bankRow("p1", day(-2), -4_217, { pending: true, ...market })], { fromDay: day(-120) });
    expect((await w.row(hand.id))!.pid).toBe("p1");
    const spent = (await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal as string;
    expect(spent).toBe("42.17");
    // Belvo lists the posted transaction under a new id, on the purchase's day, and the pending one no more. Before,
    // the posted copy was looked for from the person's day (two days after it): not found, the person's row was
    // reversed as removed and the copy posted without its category (the budget went from 42.17 to 0.00).
    await w.sync({ chk: 90_783 }, [open1, bankRow("q1", day(-2), -4_217, market)], { fromDay: day(-120) });
    expect.soft((await w.row(hand.id))!).toMatchObject({ pid: "q1", status: "posted", notes: "mine", category_id: w.category });
    expect.soft(await w.liveOf("q1")).toEqual([hand.id]);
    expect.soft((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe(spent);
    expect.soft(await w.balance()).toBe("907.83");
    expect.soft(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("Bitso: a transfer written by hand into a wallet does not wait for a copy Bitso never sends: the wallet is Bitso's total", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const tz = "America/Mexico_City";
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Crypto", type: "personal", currency: "MXN", timezone: tz }))).id as string;
    const { svc } = directServices();
    const made = await createConnection(svc, {
      spaceId, provider: "bitso", status: "active", externalId: `bitso-${crypto.randomUUID()}`, institutionId: "bitso", institutionName: "Bitso",
      credentials: { apiKey: "k", apiSecret: "s" }, createdBy: owner.id,
    });
    const conn = (await getConnection(svc, made.id))!;
    const wallet = (balanceMinor: number): NormalAccount => ({ externalId: "bitso:mxn", name: "Bitso Mexican Peso", type: "crypto", subtype: "exchange_wallet", currency: "MXN", mask: null, balanceMinor });
    const sync = (balanceMinor: number) => applyChanges(svc, conn, { accounts: [wallet(balanceMinor)], upserts: [], removed: [], trades: [], matchPendingHeuristically: false }, emptyStats());
    await sync(100_000);
    const walletId = (await env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ?").bind(conn.id).first<{ account_id: string }>())!.account_id;
    const checking = (await ok(a.post("/v1/accounts", { spaceId, name: "Checking", type: "checking", currency: "MXN", openingBalance: "5000.00" }))).id as string;
    // The person funds the wallet with 1,000.00 and writes it down; Bitso's total then holds 2,000.00. Before, the
    // wallet's side waited ten days for a copy, on top of Bitso's total: 3,000.00.
    await ok(a.post("/v1/transactions/transfer", { spaceId, fromAccountId: checking, toAccountId: walletId, amount: "1000.00", currency: "MXN", date: localDays(tz).day(0), description: "fund Bitso" }));
    await sync(200_000);
    expect.soft((await ok(a.get(`/v1/accounts/${walletId}`))).balanceDecimal).toBe("2000.00");
    expect.soft((await ok(a.get(`/v1/accounts/${checking}`))).balanceDecimal).toBe("4000.00");
    expect.soft(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("Plaid: a contribution written by hand into an investment account (whose feed sends no cash rows) does not wait: the account is Plaid's total", { timeout: 60_000 }, async () => {
    const w = await linked();
    const brokerage = (balanceMinor: number): NormalAccount => ({ externalId: "inv", name: "Brokerage", type: "investment", subtype: "brokerage", currency: "USD", mask: "0002", balanceMinor });
    const sync = (balanceMinor: number) => applyChanges(w.svc, w.conn, { accounts: [brokerage(balanceMinor)], upserts: [], removed: [], matchPendingHeuristically: false }, emptyStats());
    await sync(500_000);
    const investment = await w.accountIdOf("inv");
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: w.checking, toAccountId: investment, amount: "300.00", currency: "USD", date: day(0), description: "contribution" }));
    await sync(530_000);
    expect((await ok(w.a.get(`/v1/accounts/${investment}`))).balanceDecimal).toBe("5300.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a category the rules gave the hand-written row (not the person) does not keep the bank's copy from taking it over", { timeout: 60_000 }, async () => {
    const w = await linked();
    const dining = await w.newCategory("Dining", [{ condition: "description_contains", value: "lunch" }]);
    await w.newCategory("Delivery", [{ condition: "merchant_contains", value: "UBER EATS" }]);
    const before = Number(await w.expenses());
    const hand = await w.write({ amount: "-18.00", description: "lunch with Ana", date: day(0) });
    expect((await w.row(hand.id))!).toMatchObject({ category_id: dining, category_source: "rule" });
    // Before, the rule's Dining on the person's words stood against the rule's Delivery on the bank's: no pair, the
    // purchase counted twice (36.00 of expenses for 18.00) and the balance showed 914.00 for the bank's 932.00.
    await w.sync({ chk: 93_200 }, [bankRow("ue", day(0), -1_800, { merchantName: "UBER EATS", description: "UBER EATS" })]);
    expect.soft(await w.liveOf("ue")).toEqual([hand.id]);
    expect.soft(Number(await w.expenses())).toBeCloseTo(before + 18, 6);
    expect.soft(await w.balance()).toBe("932.00");
  });

  it("a copy the bank removes gives the row back to the person: a transfer's other side stays, and the posting under a new id takes it over", { timeout: 60_000 }, async () => {
    const w = await linked();
    const jar = (await ok(w.a.post("/v1/accounts", { spaceId: w.spaceId, name: "Savings jar", type: "savings", currency: "USD", openingBalance: "0.00" }))).id as string;
    const before = await w.expenses();
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: w.checking, toAccountId: jar, amount: "500.00", currency: "USD", date: day(0), description: "to the jar" }));
    await w.sync({ chk: 95_000 }, [bankRow("p1", day(0), -50_000, { pending: true, description: "ONLINE TRANSFER", merchantName: null })]);
    // The institution drops the pending row and sends the posted one under a new id, without naming the pending one.
    await w.sync({ chk: 45_000 }, [bankRow("t1", day(0), -50_000, { description: "ONLINE TRANSFER", merchantName: null })], { removed: ["p1"] });
    expect((await ok(w.a.get(`/v1/accounts/${jar}`))).balanceDecimal).toBe("500.00");
    expect(await w.expenses()).toBe(before);
    expect(await w.balance()).toBe("450.00");
    expect(await ledgerViolations(w.spaceId)).toEqual([]);
  });

  it("a transfer written by hand does not pair with a bank row the rules file under a category (the rent of the same amount)", { timeout: 60_000 }, async () => {
    const w = await linked();
    const rent = await w.newCategory("Rent", [{ condition: "merchant_contains", value: "LANDLORD" }]);
    const budget = (await ok(w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Rent", amount: "2000.00", period: "monthly", startDate: day(-40), categoryIds: [rent] }))).id as string;
    const jar = (await ok(w.a.post("/v1/accounts", { spaceId: w.spaceId, name: "Savings jar", type: "savings", currency: "USD", openingBalance: "0.00" }))).id as string;
    await ok(w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: w.checking, toAccountId: jar, amount: "500.00", currency: "USD", date: day(-1), description: "to the jar" }));
    // The rent (same amount) posts first; the transfer's copy the next day.
    await w.sync({ chk: 45_000 }, [bankRow("rent", day(-1), -50_000, { merchantName: "LANDLORD PROPERTIES", description: "LANDLORD PROPERTIES" })]);
    await w.sync({ chk: 45_000 }, [bankRow("xfer", day(0), -50_000, { merchantName: null, description: "ONLINE TRANSFER" })]);
    expect((await ok(w.a.get(`/v1/budgets/${budget}`))).spentDecimal).toBe("500.00");
    const rentRow = await env.DB.prepare("SELECT type, category_id FROM transactions WHERE provider_transaction_id = 'rent' AND space_id = ?").bind(w.spaceId).first();
    expect(rentRow).toEqual({ type: "expense", category_id: rent });
  });

  it("yesterday's bank row of the same amount does not make today's hand-written purchase a duplicate: it waits", { timeout: 60_000 }, async () => {
    const w = await linked();
    // Yesterday's coffee came from the bank.
    await w.sync({ chk: 94_550 }, [bankRow("c1", day(-1), -450)]);
    expect(await w.balance()).toBe("945.50");
    // Today's coffee, logged by hand; the bank has not seen it yet.
    await w.write({ amount: "-4.50", description: "coffee", date: day(0) });
    await w.sync({ chk: 94_550 }, []);
    expect(await w.balance()).toBe("941.00");
    await w.sync({ chk: 94_100 }, [bankRow("c2", day(0), -450)]);
    expect(await w.balance()).toBe("941.00");
    expect((await w.adjustments()).slice(1)).toEqual([]);
  });

  it("a take-over gives the row the bank's merchant key: a forecast cached before it is not served after", { timeout: 60_000 }, async () => {
    const w = await linked();
    await w.write({ amount: "-15.99", description: "streaming", date: day(-1) });
    await ok(w.a.get(`/v1/analytics/forecast?spaceId=${w.spaceId}`));
    expect((await ok(w.a.get(`/v1/analytics/forecast?spaceId=${w.spaceId}`))).cache.hit).toBe(true);
    // The bank's copy takes the row over: the ledger does not move, the row's merchant key does.
    await w.sync({ chk: 93_401 }, [bankRow("n1", day(-1), -1_599, { merchantName: "NETFLIX.COM" })]);
    expect((await w.liveOf("n1")).length).toBe(1);
    expect(await w.balance()).toBe("934.01");
    const after = await ok(w.a.get(`/v1/analytics/forecast?spaceId=${w.spaceId}`));
    expect(after.cache.hit).toBe(false);
  });

  it("the person files the purchase under another category than the rules: it still pairs (counted once)", { timeout: 60_000 }, async () => {
    const w = await linked();
    const education = await w.newCategory("Course books");
    await w.newCategory("Online shop", [{ condition: "merchant_contains", value: "AMAZON" }]);
    const before = Number(await w.expenses());
    await w.write({ amount: "-30.00", description: "course book", date: day(0), categoryId: education });
    await w.sync({ chk: 92_000 }, [bankRow("amz", day(0), -3_000, { merchantName: "AMAZON MKTPLACE", description: "AMAZON MKTPLACE" })]);
    expect(Number(await w.expenses())).toBeCloseTo(before + 30, 6);
    expect(await w.balance()).toBe("920.00");
  });

  it("relink: a row still waiting on the old account is not claimed by the new copy of yesterday's equal purchase (the old account held it)", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Relinked", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const dining = (await ok(a.post("/v1/categories", { spaceId, name: "Dining", type: "expense" }))).id as string;
    const acct: NormalAccount = { externalId: "ext-1", name: "Checking", type: "checking", subtype: null, currency: "USD", mask: "0001", balanceMinor: null };
    const r = (id: string, date: string, amountMinor: number): NormalTxn => ({ id, accountExternalId: "ext-1", amountMinor, date, description: "BLUE BOTTLE", merchantName: "Blue Bottle", pending: false, pendingId: null });
    const connect = async () => {
      const { svc } = directServices();
      const made = await createConnection(svc, { spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionId: "ins_carry", institutionName: "Bank", credentials: { accessToken: "x", itemId: "y" }, createdBy: owner.id });
      const conn = (await getConnection(svc, made.id))!;
      return { id: conn.id, sync: (rows: NormalTxn[]) => applyChanges(svc, conn, { accounts: [acct], upserts: rows, removed: [], matchPendingHeuristically: false }, emptyStats()) };
    };
    const expenses = async () => (await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).cashFlow.expensesDecimal as string;
    const first = await connect();
    await first.sync([r("o0", utcDay(-20), -1_000), r("o1", utcDay(-1), -450)]);
    const oldAccount = (await env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ?").bind(first.id).first<{ account_id: string }>())!.account_id;
    // Today's coffee, logged by hand with the person's work; the bank has not sent it when the bank is linked again.
    await ok(a.post("/v1/transactions", { spaceId, accountId: oldAccount, amount: "-4.50", description: "coffee with Ana", date: utcDay(0), categoryId: dining, notes: "mine" }));
    expect(await expenses()).toBe("19.00");
    await disconnect(owner, first.id);
    const second = await connect();
    await second.sync([r("n0", utcDay(-20), -1_000), r("n1", utcDay(-1), -450)]);
    expect(await expenses()).toBe("19.00");
    await second.sync([r("n2", utcDay(0), -450)]);
    expect(await expenses()).toBe("19.00");
    expect(await env.DB.prepare("SELECT category_id, notes FROM transactions WHERE provider_transaction_id = 'n2' AND space_id = ?").bind(spaceId).first()).toEqual({ category_id: dining, notes: "mine" });
  });
});
