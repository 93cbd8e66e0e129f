/**
 * Belvo has no pending link: a pending transaction is deleted when it posts and the posting has a new id, matched to
 * its pending row by account, amount, day and merchant (pending-match.ts). A pending row the person voided stays
 * voided when the bank posts it (the posting takes the voided row's id; nothing is posted, and the balance adjustment
 * keeps the account the bank's, as after any void), as Plaid's posting naming its voided pending row does. A posting
 * that may be another purchase (the same merchant and amount twice in the week) is never voided by guess.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { rewritingSandbox } from "./rewriting-sandbox";
import { as, belvoBankBalances, belvoLinked, jobStats, ledgerBalances, liveRows, syncNow } from "./helpers";

const sandbox = rewritingSandbox();

/** The simulator's login `username` linked, its first sync done. */
async function connect(username: string) {
  const { who: linkId, ...linked } = await belvoLinked(username);
  return { ...linked, linkId };
}

const advance = async (linkId: string) => expect((await call("/sandbox/belvo/sandbox/links/advance", { body: { link: linkId, generations: 1 } })).status).toBe(200);

const uberRows = async (spaceId: string, amount: number) =>
  (await env.DB.prepare("SELECT id, provider_transaction_id AS pid, status FROM transactions WHERE space_id = ? AND merchant_name = 'Uber' AND amount = ? ORDER BY id")
    .bind(spaceId, amount).all<{ id: string; pid: string; status: string }>()).results;

/** The login's pending Uber purchase of 243.51 (which posts at 243.51 at the next generation), voided by the person. */
async function voidedPending() {
  const s = await connect("f3-user-1");
  const [pending] = await uberRows(s.spaceId, -24351);
  expect(pending).toMatchObject({ status: "pending" });
  expect((await callJson(`/v1/transactions/${pending!.id}`, { ...as(s.owner), method: "DELETE" })).status).toBe(200);
  return { ...s, pending: pending! };
}

describe("Belvo: a pending row the person voided, then posted by the bank", () => {
  it("stays voided: the posting takes the voided row's id, nothing live is posted, balances equal the bank's", { timeout: 120_000 }, async () => {
    const s = await voidedPending();
    await advance(s.linkId);
    const jobId = await syncNow(s.connectionId);
    expect((await jobStats(jobId)).stats).toMatchObject({ flagged: 0, errors: 0 });
    const rows = await uberRows(s.spaceId, -24351);
    expect(rows).toEqual([{ id: s.pending.id, pid: expect.any(String), status: "cancelled" }]);
    expect(rows[0]!.pid).not.toBe(s.pending.pid);
    expect(await ledgerBalances(s.spaceId)).toEqual(await belvoBankBalances(s.connectionId));
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
    // Synced again: nothing moves.
    const before = await liveRows(s.spaceId);
    await syncNow(s.connectionId);
    expect(await liveRows(s.spaceId)).toEqual(before);
    expect(await uberRows(s.spaceId, -24351)).toEqual(rows);
  });

  it("a second purchase of the same amount at the merchant days later is a live transaction of its own", { timeout: 120_000 }, async () => {
    const s = await voidedPending();
    await advance(s.linkId);
    await syncNow(s.connectionId);
    const [carried] = await uberRows(s.spaceId, -24351);
    // The bank then lists another Uber ride of 243.51, posted two days after the first.
    sandbox.list = [{
      path: "/api/transactions/", who: s.linkId,
      alter: (list: any[]) => {
        const first = list.find((t) => t.id === carried!.pid);
        const day = new Date(Date.parse(first.value_date) + 2 * 86_400_000).toISOString().slice(0, 10);
        return [...list, { ...first, id: `again-${crypto.randomUUID()}`, value_date: day, accounting_date: `${day}T12:00:00.000Z` }];
      },
    }];
    await syncNow(s.connectionId);
    const rows = await uberRows(s.spaceId, -24351);
    expect(rows.filter((r) => r.status !== "cancelled")).toEqual([{ id: expect.any(String), pid: expect.stringMatching(/^again-/), status: "posted" }]);
    expect(rows.find((r) => r.id === s.pending.id)).toMatchObject({ status: "cancelled", pid: carried!.pid });
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("two postings of its amount at the merchant in one sync: neither is voided by guess, and nothing is flagged", { timeout: 120_000 }, async () => {
    const s = await voidedPending();
    await advance(s.linkId);
    sandbox.list = [{
      path: "/api/transactions/", who: s.linkId,
      alter: (list: any[]) => {
        const posted = list.filter((t) => t.status !== "PENDING" && Math.abs(Number(t.amount) - 243.51) < 0.001 && t.merchant?.merchant_name === "Uber");
        expect(posted).toHaveLength(1);
        return [...list, { ...posted[0], id: `twin-${crypto.randomUUID()}` }];
      },
    }];
    const jobId = await syncNow(s.connectionId);
    expect((await jobStats(jobId)).stats).toMatchObject({ flagged: 0 });
    const rows = await uberRows(s.spaceId, -24351);
    expect(rows.filter((r) => r.status === "posted")).toHaveLength(2);
    expect(rows.find((r) => r.id === s.pending.id)).toMatchObject({ status: "cancelled", pid: s.pending.pid });
    expect(await ledgerBalances(s.spaceId)).toEqual(await belvoBankBalances(s.connectionId));
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});
