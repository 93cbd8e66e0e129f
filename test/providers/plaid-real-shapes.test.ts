/**
 * Plaid's payloads as its published API (plaid-openapi 2020-09-14) writes them, through the real client, adapter and
 * sync, and the simulator held to the same shapes.
 *
 * - Amounts and balances are JSON doubles with no bound on their places: one finer than the cent (12.345) failed the
 *   sync for good with INVALID_AMOUNT (the cursor never moved past it). It is rounded half-even to the cent now, as
 *   Bitso's are, and the balance adjustment settles the fraction against the (rounded) balance Plaid reports.
 * - The simulator sent `removed` entries with `account_id: null` (required, a string, in Plaid's schema), a posted
 *   transaction's `authorized_date` as its posted day (Plaid keeps the purchase's), and none of the
 *   personal_finance_category and enrichment fields Plaid sends.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { callJson } from "../helpers";
import { differencesFromPlaid, ledgerBalances, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob, jobStats } from "./helpers";

const sandbox = rewritingSandbox();

const plaidTxn = (id: string, account: string, amount: number, date: string) => ({
  account_id: account, amount, iso_currency_code: "USD", unofficial_currency_code: null, category: null, category_id: null, check_number: null,
  date, datetime: null, authorized_date: date, authorized_datetime: null, name: `Fuel ${id}`, merchant_name: null, original_description: null,
  pending: false, pending_transaction_id: null, account_owner: null, transaction_id: id, payment_channel: "in store", transaction_code: null,
  location: {}, payment_meta: {}, personal_finance_category: { primary: "TRANSPORTATION", detailed: "TRANSPORTATION_GAS", confidence_level: "HIGH" },
});

/** The simulator's own /transactions/sync, read whole from `cursor` with its credentials in the body, as Plaid allows. */
async function simulatorSync(accessToken: string, cursor?: string) {
  const added: any[] = [];
  const modified: any[] = [];
  const removed: any[] = [];
  let next = cursor;
  for (;;) {
    const res = await callJson("/sandbox/plaid/transactions/sync", {
      body: { client_id: env.PLAID_CLIENT_ID, secret: env.PLAID_SECRET, access_token: accessToken, count: 500, ...(next ? { cursor: next } : {}) },
    });
    expect(res.status).toBe(200);
    added.push(...res.body.added);
    modified.push(...res.body.modified);
    removed.push(...res.body.removed);
    next = res.body.next_cursor;
    if (!res.body.has_more) return { added, modified, removed, cursor: next! };
  }
}

describe("Plaid's real payload shapes", () => {
  it("an amount or balance finer than the cent is rounded half-even to it and the sync completes, not failed for good", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId, "public-sandbox-fine-amounts.1");
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const token = await plaidAccessToken(linked.connection.id);
    await plaidControl("transactions/advance", { access_token: token, generations: 1 });
    const ids = { a: `fine-a-${crypto.randomUUID()}`, b: `fine-b-${crypto.randomUUID()}`, c: `fine-c-${crypto.randomUUID()}` };
    let card = "";
    sandbox.list = [
      {
        path: "/transactions/sync", who: token,
        alter: (b) => {
          const checking = b.accounts.find((a: any) => a.type === "depository").account_id;
          const day = b.added[0]?.date ?? "2026-11-30";
          // 12.345 is 1234.5 cents: half-even to 1234; 0.125 to 12; a deposit of 7.5551 to 756.
          return { ...b, added: [...b.added, plaidTxn(ids.a, checking, 12.345, day), plaidTxn(ids.b, checking, 0.125, day), plaidTxn(ids.c, checking, -7.5551, day)] };
        },
      },
      {
        path: "/accounts/get", who: token,
        // What the card owes, to a tenth of a cent (32145.5 cents: half-even to 32146).
        alter: (b) => ({ ...b, accounts: b.accounts.map((a: any) => (a.type === "credit" ? ((card = a.account_id), { ...a, balances: { ...a.balances, current: 321.455 } }) : a)) }),
      },
    ];
    const jobId = await syncNow(linked.connection.id);
    expect(await jobStats(jobId)).toMatchObject({ status: "completed", error: null });
    const rows = await liveRows(spaceId);
    const amountOf = (pid: string) => rows.filter((r) => r.pid === pid).map((r) => r.amount);
    expect([amountOf(ids.a), amountOf(ids.b), amountOf(ids.c)]).toEqual([[-1234], [-12], [756]]);
    // The card's ledger balance is what it owes, negative, plus its pending rows: exactly, in cents.
    const cardId = (await env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ? AND provider_account_id = ?").bind(linked.connection.id, card).first<{ account_id: string }>())!.account_id;
    const pending = rows.filter((r) => r.account_id === cardId && r.status === "pending").reduce((s, r) => s + r.amount, 0);
    expect((await ledgerBalances(spaceId)).get(cardId)).toBe(-32146 + pending);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("the simulator sends Plaid's shapes: removed entries name their account, a posting keeps its purchase's authorized_date, categories and enrichment come along", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId, "public-sandbox-real-shapes.1");
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const token = await plaidAccessToken(linked.connection.id);
    const first = await simulatorSync(token);
    const accounts = new Set((await callJson("/sandbox/plaid/accounts/get", { body: { client_id: env.PLAID_CLIENT_ID, secret: env.PLAID_SECRET, access_token: token } })).body.accounts.map((a: any) => a.account_id));
    // Three generations: pending rows post (removed, and added under new ids naming them), and one is removed outright.
    await plaidControl("transactions/advance", { access_token: token, generations: 3 });
    const later = await simulatorSync(token, first.cursor);
    expect(later.removed.length).toBeGreaterThan(0);
    for (const r of later.removed) {
      expect(Object.keys(r).sort()).toEqual(["account_id", "transaction_id"]);
      expect(typeof r.transaction_id).toBe("string");
      expect(accounts.has(r.account_id)).toBe(true);
    }
    const pendingBefore = new Map(first.added.filter((t) => t.pending).map((t) => [t.transaction_id, t]));
    const postings = later.added.filter((t) => t.pending_transaction_id && pendingBefore.has(t.pending_transaction_id));
    expect(postings.length).toBeGreaterThan(0);
    for (const p of postings) {
      const was = pendingBefore.get(p.pending_transaction_id)!;
      // `date` is the day it posted; `authorized_date` stays the purchase's (the pending row's date).
      expect(p.authorized_date).toBe(was.date);
      expect(p.date > was.date).toBe(true);
      // The pending row it replaces is in `removed`, with its account.
      expect(later.removed).toContainEqual({ transaction_id: was.transaction_id, account_id: was.account_id });
    }
    for (const t of [...first.added, ...later.added, ...later.modified]) {
      // Plaid's required fields (TransactionBase and Transaction), and its category object.
      for (const k of ["transaction_id", "account_id", "amount", "iso_currency_code", "unofficial_currency_code", "date", "pending", "pending_transaction_id", "name", "payment_channel", "location", "payment_meta", "account_owner", "authorized_date", "datetime"]) {
        expect(t).toHaveProperty(k);
      }
      expect(t.personal_finance_category).toEqual({ primary: expect.any(String), detailed: expect.stringMatching(/^[A-Z_]+$/), confidence_level: expect.any(String) });
      expect(t.personal_finance_category.detailed.startsWith(t.personal_finance_category.primary)).toBe(true);
      expect(Array.isArray(t.counterparties)).toBe(true);
    }
    // And the sync still books exactly what the simulator holds.
    expect((await waitForJob(await syncNow(linked.connection.id))).status).toBe("completed");
    expect(await differencesFromPlaid(spaceId, linked.connection.id, token)).toEqual([]);
  });

  it("a first sync before Plaid's pull is done (NOT_READY: no changes, next_cursor \"\") books the balance, and the history that follows restates it, never counted twice", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    let answered = 0;
    // Every item's first /transactions/sync in this test, as Plaid answers while the item's transactions are not ready.
    sandbox.list = [
      {
        path: "/transactions/sync", who: "access-sandbox-",
        alter: (b) => (answered++ === 0 ? { ...b, transactions_update_status: "NOT_READY", accounts: [], added: [], modified: [], removed: [], next_cursor: "", has_more: false } : b),
      },
    ];
    const linked = await linkPlaid(owner, spaceId, "public-sandbox-not-ready.1");
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    expect(answered).toBe(1);
    const conn = await env.DB.prepare("SELECT sync_cursor FROM provider_connections WHERE id = ?").bind(linked.connection.id).first<{ sync_cursor: string | null }>();
    expect(conn!.sync_cursor).toBe("");
    const token = await plaidAccessToken(linked.connection.id);
    // Nothing synced yet but the balances: the ledger holds each account's balance as its opening.
    expect(await differencesFromPlaid(spaceId, linked.connection.id, token)).not.toEqual([]);
    const balancesFirst = await ledgerBalances(spaceId);
    // The pull is done: the whole history comes from no cursor, and the opening is restated, not added to.
    expect((await waitForJob(await syncNow(linked.connection.id))).status).toBe("completed");
    expect(await differencesFromPlaid(spaceId, linked.connection.id, token)).toEqual([]);
    // Each account's balance moved by its pending rows only (the bank's posted balance is the same): the opening took the
    // history in, it was not added on top of it.
    const rows = await liveRows(spaceId);
    const after = await ledgerBalances(spaceId);
    for (const [id, first] of balancesFirst) {
      expect(after.get(id)).toBe(first + rows.filter((r) => r.account_id === id && r.status === "pending").reduce((s, r) => s + r.amount, 0));
    }
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("an error answer carries Plaid's whole error object: type, code, message, display message, request id and HTTP status", async () => {
    const res = await callJson("/sandbox/plaid/transactions/sync", { body: { client_id: env.PLAID_CLIENT_ID, secret: env.PLAID_SECRET, access_token: "access-sandbox-nope" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error_type: "INVALID_INPUT", error_code: "INVALID_ACCESS_TOKEN", error_message: expect.any(String), display_message: null, request_id: expect.any(String), status: 400,
    });
  });
});
