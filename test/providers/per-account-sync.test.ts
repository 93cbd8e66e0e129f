/**
 * A sync asked for some accounts of a connection whose changes come as one feed (Plaid's /transactions/sync
 * cursor, Bitso's trades across wallets) applies the whole connection: a QA run saw a one-account Plaid sync move
 * the item's cursor past the other account's transactions, which then never appeared (only a balance adjustment
 * did) while a pending row that posted stayed pending.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectBitso } from "../../src/modules/providers/bitso";
import { getConnection } from "../../src/modules/providers/connections";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, differencesFromPlaid, directServices, jobStats, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";


/** Sync requests through the API, each waited for; the job's stats. */
async function syncAccounts(owner: Parameters<typeof as>[0], spaceId: string, accountIds?: string[]) {
  const res = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId, accountIds, force: true } });
  expect(res.status).toBe(202);
  expect((await waitForJob(res.body.jobId)).status).toBe("completed");
  return (await jobStats(res.body.jobId)).stats;
}

const adjustments = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id LIKE 'balance#%'").bind(spaceId).first<{ n: number }>())!.n;

describe("a sync of some accounts of a connection", () => {
  it("Plaid: one account's sync books the new transactions of both, and the next full sync finds the ledger equal to the bank's", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(linked.connection.id);
    const accounts = (await callJson(`/v1/accounts?spaceId=${spaceId}`, as(owner))).body.accounts as { id: string; name: string; providerAccountId?: string }[];
    const checking = accounts.find((a) => a.name === "Plaid Checking")!;
    const openings = await adjustments(spaceId);

    // The bank posts the pending rows and has new activity on both accounts; the user refreshes the checking account only.
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });
    await syncAccounts(owner, spaceId, [checking.id]);
    const full = await syncAccounts(owner, spaceId);
    expect(full).toMatchObject({ created: 0, updated: 0, adjustments: 0 });

    // The bank's view: every transaction it holds now, and each account's balances.
    expect(await differencesFromPlaid(spaceId, linked.connection.id, accessToken)).toEqual([]);
    // No balance adjustment stood in for the missed transactions: only the opening ones of the first sync.
    expect(await adjustments(spaceId)).toBe(openings);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("Bitso: one wallet's first sync books the trades with their legs on the other wallets, with no adjustment standing in for them", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    // Connected through the service with a queue that holds its first sync (never delivered: as if lost).
    const { svc } = directServices();
    const auth = { userId: owner.id, sessionId: "test", email: owner.email, twoFactorEnabled: false, stepUpAt: null };
    const connected = await connectBitso(svc, auth, { spaceId, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "secret" });
    await env.DB.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").bind(connected.jobId).run();
    const btc = connected.accounts.find((a) => a.symbol === "BTC")!.id!;

    const run = async (accountIds: string[]) => {
      const { jobId, created } = await enqueueSync(svc, (await getConnection(svc, connected.connection.id))!, "manual", accountIds);
      expect(created).toBe(true);
      await runSyncJob(svc, { jobId, attempt: 1 });
      return (await jobStats(jobId)).stats;
    };
    expect(await run([btc])).toMatchObject({ created: 24, errors: 0 });
    expect(await run([])).toMatchObject({ created: 0, adjustments: 0 });
    // One opening balance per wallet, the BTC one included: none booked the trades' coins as a balance difference.
    const perAccount = (
      await env.DB.prepare("SELECT account_id, COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id LIKE 'balance#%' GROUP BY account_id").bind(spaceId).all<{ account_id: string; n: number }>()
    ).results;
    expect(perAccount.every((r) => r.n === 1)).toBe(true);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
