/**
 * Belvo's pending→posted match without a link: a posting of the exact amount replaces its pending row even when
 * another posting at the same merchant within the tip tolerance comes in the same sync (the looser one is a new
 * transaction), so no pending row is counted twice and every balance equals the bank's, posted plus pending.
 *
 * The simulator's figures are a function of the username: each test's is chosen for the figures it needs, and
 * the test checks that the bank shows them before relying on them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { belvoBankBalances, belvoLinked, jobStats, ledgerBalances, liveRows, syncNow } from "./helpers";

/** The simulator's login `username` linked, its first sync done. */
async function connect(username: string) {
  const { who: linkId, ...linked } = await belvoLinked(username);
  return { ...linked, linkId };
}

async function advanceAndSync(linkId: string, connectionId: string) {
  expect((await call("/sandbox/belvo/sandbox/links/advance", { body: { link: linkId, generations: 1 } })).status).toBe(200);
  const jobId = await syncNow(connectionId);
  expect((await jobStats(jobId)).status).toBe("completed");
  return jobId;
}

const openFlags = async (spaceId: string) =>
  (await env.DB.prepare("SELECT id FROM provider_review_flags WHERE space_id = ? AND resolved_at IS NULL").bind(spaceId).all()).results;

/** The merchant's rows of the space (live), by amount: `[amount, status]`. */
const rowsAt = async (spaceId: string, merchant: string) =>
  (await env.DB.prepare("SELECT id, amount, status FROM transactions WHERE space_id = ? AND merchant_name = ? AND status != 'cancelled' ORDER BY amount").bind(spaceId, merchant).all<{ id: string; amount: number; status: string }>()).results;

describe("Belvo pending→posted match", () => {
  it("an exact posting replaces its pending row although another posting at the merchant is within the tip tolerance; balances equal the bank's", { timeout: 90_000 }, async () => {
    // This login's bank: an Uber purchase of 243.51 pending on the card, which posts next at 243.51, with a new Uber
    // ride of 196.75 (within 30 % of 243.51) posted alongside it.
    const { spaceId, connectionId, linkId } = await connect("f3-user-1");
    const pending = (await rowsAt(spaceId, "Uber")).filter((r) => r.status === "pending");
    expect(pending.map((r) => r.amount)).toEqual([-24351]);
    expect(await ledgerBalances(spaceId)).toEqual(await belvoBankBalances(connectionId));

    const jobId = await advanceAndSync(linkId, connectionId);
    // The pending row is the posted purchase in place (same Dhanam id), the other ride a transaction of its own.
    expect(await rowsAt(spaceId, "Uber").then((rows) => rows.filter((r) => r.amount === -24351 || r.amount === -19675))).toEqual([
      { id: pending[0]!.id, amount: -24351, status: "posted" },
      { id: expect.any(String), amount: -19675, status: "posted" },
    ]);
    expect((await jobStats(jobId)).stats).toMatchObject({ flagged: 0, errors: 0 });
    expect(await openFlags(spaceId)).toEqual([]);
    expect(await ledgerBalances(spaceId)).toEqual(await belvoBankBalances(connectionId));
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // Synced again: nothing moves.
    const before = await liveRows(spaceId);
    await syncNow(connectionId);
    expect(await liveRows(spaceId)).toEqual(before);
  });

  it("two pending rows within the tolerance of each other each take their own exact posting", { timeout: 90_000 }, async () => {
    // This login's bank: Uber rides of 245.97 and 279.33 pending on the card (each within 30 % of the other), both
    // posting next at their own amounts.
    const { spaceId, connectionId, linkId } = await connect("f3-user-81");
    const pending = (await rowsAt(spaceId, "Uber")).filter((r) => r.status === "pending");
    expect(pending.map((r) => r.amount)).toEqual([-27933, -24597]);

    const jobId = await advanceAndSync(linkId, connectionId);
    const after = await rowsAt(spaceId, "Uber");
    for (const p of pending) expect(after.find((r) => r.id === p.id)).toEqual({ ...p, status: "posted" });
    expect(after.filter((r) => r.amount === -27933 || r.amount === -24597)).toHaveLength(2);
    expect((await jobStats(jobId)).stats).toMatchObject({ flagged: 0, errors: 0 });
    expect(await ledgerBalances(spaceId)).toEqual(await belvoBankBalances(connectionId));
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
