/**
 * Text a provider sends with an unpaired UTF-16 surrogate. D1 stores such a string as bytes that read back
 * as three U+FFFD, so the stored row would not equal what was sent. The sync stores descriptions and names
 * with one U+FFFD in each surrogate's place (the same row on every later sync), and refuses a sync whose ids
 * are not well-formed, applying none of it. The provider's answer is the simulator's, altered on its way in
 * (the simulator itself only sends well-formed text).
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { fetchers, type Fetcher } from "../../src/modules/providers/sync";
import type { NormalTxn } from "../../src/modules/providers/sync-types";
import { callJson } from "../helpers";
import { as, jobStats, ledgerFingerprint, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

const realPlaid = fetchers.plaid!;
afterEach(() => {
  fetchers.plaid = realPlaid;
});

/** The real Plaid fetch, with `alter` applied to what it brings. */
const altered = (alter: (upserts: NormalTxn[]) => NormalTxn[]): Fetcher => async (svc, conn) => {
  const fetched = await realPlaid(svc, conn);
  return { ...fetched, changes: { ...fetched.changes, upserts: alter(fetched.changes.upserts) } };
};

describe("ill-formed text from a provider", () => {
  it("stores a description and merchant with U+FFFD for each lone surrogate, the same row on every sync", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(linked.connection.id), generations: 1 });
    let sent: NormalTxn | null = null;
    fetchers.plaid = altered((upserts) => {
      const first = upserts.find((t) => !t.pending && t.pendingId === null)!;
      sent = { ...first, description: "Caf\uD800 bar \uDC00! \uD83D\uDE00", merchantName: "Caf\uDBFF" };
      return upserts.map((t) => (t.id === first.id ? sent! : t));
    });
    const job = await syncNow(linked.connection.id);
    expect((await jobStats(job)).status).toBe("completed");
    const row = await env.DB.prepare("SELECT id, description, merchant_name FROM transactions WHERE space_id = ? AND provider_transaction_id = ?")
      .bind(spaceId, sent!.id)
      .first<{ id: string; description: string; merchant_name: string }>();
    expect(row).toMatchObject({ description: "Caf\uFFFD bar \uFFFD! \uD83D\uDE00", merchant_name: "Caf\uFFFD" });
    const api = await callJson(`/v1/transactions/${row!.id}`, as(owner));
    expect(api.status).toBe(200);
    expect(api.body.description).toBe("Caf\uFFFD bar \uFFFD! \uD83D\uDE00");
    const before = await ledgerFingerprint(spaceId);

    // The same transaction again, as a provider resends a modified one: nothing changes.
    fetchers.plaid = altered((upserts) => [...upserts, sent!]);
    const again = await syncNow(linked.connection.id);
    expect(await jobStats(again)).toMatchObject({ status: "completed", stats: expect.objectContaining({ created: 0, updated: 0, corrections: 0 }) });
    expect(await ledgerFingerprint(spaceId)).toEqual(before);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("cuts a long description between surrogate pairs, never through one", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(linked.connection.id), generations: 1 });
    let id = "";
    fetchers.plaid = altered((upserts) => {
      const first = upserts.find((t) => !t.pending && t.pendingId === null)!;
      id = first.id;
      // 499 units, then an emoji (a pair) across the 500-unit cut.
      return upserts.map((t) => (t.id === id ? { ...t, description: `${"a".repeat(499)}\uD83D\uDE00 tail` } : t));
    });
    expect((await jobStats(await syncNow(linked.connection.id))).status).toBe("completed");
    const row = await env.DB.prepare("SELECT description FROM transactions WHERE space_id = ? AND provider_transaction_id = ?").bind(spaceId, id).first<{ description: string }>();
    expect(row!.description).toBe("a".repeat(499));
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("refuses a sync whose transaction ids are not well-formed, applying none of it", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const before = await ledgerFingerprint(spaceId);
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(linked.connection.id), generations: 1 });
    fetchers.plaid = altered((upserts) => upserts.map((t, i) => (i === upserts.length - 1 ? { ...t, id: `${t.id}\uD800` } : t)));
    const job = await syncNow(linked.connection.id);
    const stats = await jobStats(job);
    expect(stats.status).toBe("failed");
    expect(stats.error).toMatch(/not well-formed Unicode/);
    expect(await ledgerFingerprint(spaceId)).toEqual(before);
    // The provider's next answer, well-formed, is applied whole.
    fetchers.plaid = realPlaid;
    expect((await jobStats(await syncNow(linked.connection.id))).status).toBe("completed");
    expect((await ledgerFingerprint(spaceId)).rows).toBeGreaterThan(before.rows);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
