/**
 * A provider account switched off and on again. While it is off its changes are passed over (an inactive account
 * takes no entries), and Plaid's change feed moves its cursor past them all the same: QA saw the purchases posted
 * meanwhile never booked and the pending rows of before stay pending for good, the card's balance 115.80 off the
 * bank's after the next sync and 130.18 off three generations later. Switching the account back on makes the next
 * sync read the feed from the start (a fresh marker in place of the cursor, written with the switch): it books what
 * was missed and removes what the bank no longer holds of each account it lists.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { PlaidClient } from "../../src/providers/plaid/client";
import type { Fetched } from "../../src/modules/providers/sync";
import { as, differencesFromPlaid, ledgerBalances, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

const cursorOf = async (connectionId: string) =>
  (await env.DB.prepare("SELECT sync_cursor FROM provider_connections WHERE id = ?").bind(connectionId).first<{ sync_cursor: string | null }>())!.sync_cursor;

async function linkedSpace() {
  const { owner, spaceId } = await ownerWithSpace();
  // One login for every run: the simulator's data is a function of it (relative to today), and a random one now and
  // then removed a transaction from the first MANUAL_DAYS_BEFORE days of the bank's window, where a reread leaves a
  // row the bank no longer lists alone by design (it may only have slid out of the window: apply.ts). This login's
  // removals (generations 3 and 6) are 64 and 19 days back, inside the window.
  const linked = await linkPlaid(owner, spaceId, `public-sandbox-reactivated.${crypto.randomUUID()}`);
  expect((await waitForJob(linked.jobId)).status).toBe("completed");
  const connectionId = linked.connection.id as string;
  const accessToken = await plaidAccessToken(connectionId);
  const accounts = (await callJson(`/v1/accounts?spaceId=${spaceId}`, as(owner))).body.accounts as { id: string; name: string }[];
  const checking = accounts.find((a) => a.name === "Plaid Checking")!;
  const card = accounts.find((a) => a.name === "Plaid Credit Card")!;
  const patch = (id: string, isActive: boolean) => callJson(`/v1/accounts/${id}`, { ...as(owner), method: "PATCH", body: { isActive } });
  return { owner, spaceId, connectionId, accessToken, accounts, checking, card, patch };
}

/** Runs `run` with Plaid's fetcher wrapped by `wrap` (what the sync engine is handed). */
async function withPlaidFetched(wrap: (fetched: Fetched) => Fetched, run: () => Promise<unknown>) {
  const { fetchers } = await import("../../src/modules/providers/sync");
  const plaid = fetchers.plaid!;
  fetchers.plaid = async (svc, conn) => wrap(await plaid(svc, conn));
  try {
    await run();
  } finally {
    fetchers.plaid = plaid;
  }
}

async function syncAll(owner: Parameters<typeof as>[0], spaceId: string) {
  const res = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId, force: true } });
  expect(res.status).toBe(202);
  expect((await waitForJob(res.body.jobId)).status).toBe("completed");
}

describe("a Plaid account switched off and on again", () => {
  it("books what the bank posted meanwhile and removes what it no longer holds: the ledger is the bank's again", { timeout: 120_000 }, async () => {
    const { owner, spaceId, connectionId, accessToken, accounts, patch } = await linkedSpace();
    expect(await differencesFromPlaid(spaceId, connectionId, accessToken)).toEqual([]);
    const pending = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND status = 'pending'").bind(spaceId).first<{ n: number }>();
    expect(pending!.n).toBeGreaterThan(0);

    // Both accounts off. Over three generations the bank posts the pending rows (a tip on restaurant ones), has new
    // activity, corrects an amount and removes a posted transaction; a sync passes all of it over.
    for (const a of accounts) expect((await patch(a.id, false)).status).toBe(200);
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 3 });
    await syncAll(owner, spaceId);
    const passedOver = await differencesFromPlaid(spaceId, connectionId, accessToken);
    expect(passedOver.filter(([what]) => what.startsWith("balance of"))).toHaveLength(2);
    expect(await cursorOf(connectionId)).not.toBeNull();

    // On again: the next sync books what was missed, the correction and the posted pending rows, and removes the
    // transaction the bank removed.
    for (const a of accounts) {
      const on = await patch(a.id, true);
      expect(on.status).toBe(200);
      expect(on.body.isActive).toBe(true);
    }
    await syncAll(owner, spaceId);
    expect(await differencesFromPlaid(spaceId, connectionId, accessToken)).toEqual([]);
    expect(await cursorOf(connectionId)).not.toMatch(/^reread:/);

    // And it stays the bank's as the bank goes on.
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 3 });
    await syncAll(owner, spaceId);
    expect(await differencesFromPlaid(spaceId, connectionId, accessToken)).toEqual([]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a sync in flight when an account is switched on keeps the reread, a reread's own included: it saves its cursor only over the one it read", { timeout: 120_000 }, async () => {
    const s = await linkedSpace();
    for (const a of [s.checking, s.card]) expect((await s.patch(a.id, false)).status).toBe(200);
    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 3 });
    await syncNow(s.connectionId);
    expect((await s.patch(s.checking.id, true)).status).toBe(200);
    const marker = await cursorOf(s.connectionId);
    expect(marker).toMatch(/^reread:[0-9a-f]{16}$/);
    // The card is switched on while the reread runs, after it read which accounts take entries.
    await withPlaidFetched(
      (fetched) => ({
        ...fetched,
        commit: async () => {
          expect((await s.patch(s.card.id, true)).status).toBe(200);
          await fetched.commit!();
        },
      }),
      () => syncNow(s.connectionId),
    );
    const again = await cursorOf(s.connectionId);
    expect(again).toMatch(/^reread:/);
    expect(again).not.toBe(marker);
    await syncNow(s.connectionId);
    expect(await differencesFromPlaid(s.spaceId, s.connectionId, s.accessToken)).toEqual([]);
    expect(await cursorOf(s.connectionId)).not.toMatch(/^reread:/);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("a reread removes nothing of an account Plaid no longer lists (closed, or left out in Link's update mode)", { timeout: 120_000 }, async () => {
    const s = await linkedSpace();
    const cardRows = async () => (await liveRows(s.spaceId)).filter((r) => r.account_id === s.card.id).length;
    const rowsBefore = await cardRows();
    const balanceBefore = (await ledgerBalances(s.spaceId)).get(s.card.id);
    expect(rowsBefore).toBeGreaterThan(20);
    expect((await s.patch(s.checking.id, false)).status).toBe(200);
    expect((await s.patch(s.checking.id, true)).status).toBe(200);
    // Plaid's answers no longer have the card: neither the account nor its transactions.
    const cardExt = (await env.DB.prepare("SELECT provider_account_id AS ext FROM provider_accounts WHERE account_id = ?").bind(s.card.id).first<{ ext: string }>())!.ext;
    const { syncAll: feed, accountsGet: list } = PlaidClient.prototype;
    PlaidClient.prototype.syncAll = async function (...args) {
      const got = await feed.apply(this, args);
      return { ...got, added: got.added.filter((t) => t.account_id !== cardExt), modified: got.modified.filter((t) => t.account_id !== cardExt) };
    };
    PlaidClient.prototype.accountsGet = async function (...args) {
      const got = await list.apply(this, args);
      return { ...got, accounts: got.accounts.filter((a) => a.account_id !== cardExt) };
    };
    try {
      await syncNow(s.connectionId);
    } finally {
      Object.assign(PlaidClient.prototype, { syncAll: feed, accountsGet: list });
    }
    expect(await cardRows()).toBe(rowsBefore);
    expect((await ledgerBalances(s.spaceId)).get(s.card.id)).toBe(balanceBefore);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});
