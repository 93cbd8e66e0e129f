/**
 * A provider account switched off and on again. While it is off its changes are passed over (an inactive account
 * takes no entries), and Plaid's change feed moves its cursor past them all the same: QA saw the purchases posted
 * meanwhile never booked and the pending rows of before stay pending for good, the card's balance 115.80 off the
 * bank's after the next sync and 130.18 off three generations later. Switching the account back on makes the next
 * sync read the feed from the start: it books what was missed and removes what the bank no longer holds.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, differencesFromPlaid, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

const cursorOf = async (connectionId: string) =>
  (await env.DB.prepare("SELECT sync_cursor FROM provider_connections WHERE id = ?").bind(connectionId).first<{ sync_cursor: string | null }>())!.sync_cursor;

async function syncAll(owner: Parameters<typeof as>[0], spaceId: string) {
  const res = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId, force: true } });
  expect(res.status).toBe(202);
  expect((await waitForJob(res.body.jobId)).status).toBe("completed");
}

describe("a Plaid account switched off and on again", () => {
  it("books what the bank posted meanwhile and removes what it no longer holds: the ledger is the bank's again", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const connectionId = linked.connection.id as string;
    const accessToken = await plaidAccessToken(connectionId);
    const accounts = (await callJson(`/v1/accounts?spaceId=${spaceId}`, as(owner))).body.accounts as { id: string; name: string }[];
    expect(await differencesFromPlaid(spaceId, connectionId, accessToken)).toEqual([]);
    const pending = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND status = 'pending'").bind(spaceId).first<{ n: number }>();
    expect(pending!.n).toBeGreaterThan(0);

    // Both accounts off. Over three generations the bank posts the pending rows (a tip on restaurant ones), has new
    // activity, corrects an amount and removes a posted transaction; a sync passes all of it over.
    const patch = (id: string, isActive: boolean) => callJson(`/v1/accounts/${id}`, { ...as(owner), method: "PATCH", body: { isActive } });
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
    expect(await cursorOf(connectionId)).not.toBeNull();

    // And it stays the bank's as the bank goes on.
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 3 });
    await syncAll(owner, spaceId);
    expect(await differencesFromPlaid(spaceId, connectionId, accessToken)).toEqual([]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a sync in flight when the account is switched on keeps the reset: it saves its cursor only over the one it read from", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const connectionId = linked.connection.id as string;
    const accessToken = await plaidAccessToken(connectionId);
    const card = ((await callJson(`/v1/accounts?spaceId=${spaceId}`, as(owner))).body.accounts as { id: string; name: string }[]).find((a) => a.name === "Plaid Credit Card")!;
    await callJson(`/v1/accounts/${card.id}`, { ...as(owner), method: "PATCH", body: { isActive: false } });
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });

    // The card is switched on between the sync's fetch (which read the old cursor) and its saving the new one.
    const { fetchers } = await import("../../src/modules/providers/sync");
    const plaid = fetchers.plaid!;
    fetchers.plaid = async (svc, conn) => {
      const fetched = await plaid(svc, conn);
      return {
        ...fetched,
        commit: async () => {
          expect((await callJson(`/v1/accounts/${card.id}`, { ...as(owner), method: "PATCH", body: { isActive: true } })).status).toBe(200);
          await fetched.commit!();
        },
      };
    };
    try {
      await syncNow(connectionId);
    } finally {
      fetchers.plaid = plaid;
    }
    expect(await cursorOf(connectionId)).toBeNull();
    await syncNow(connectionId);
    expect(await differencesFromPlaid(spaceId, connectionId, accessToken)).toEqual([]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
