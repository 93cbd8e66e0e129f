/**
 * Belvo's schema lets a transaction's `type` and `amount` be null: such a one cannot be booked, and is left out and
 * counted in the job's `errors` (rows the sync could not process), not a failure of the whole sync; still listed, so
 * a booked copy of it is not taken for removed at the bank. One with no id or no account is an unreadable list, as
 * before (nothing of it could be kept).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { callJson } from "../helpers";
import { as, belvoLinked, jobStats, ledgerFingerprint, syncNow } from "./helpers";

const sandbox = rewritingSandbox();

describe("Belvo: a transaction with no type or amount", () => {
  it("is left out and counted in errors; the rest syncs, and its booked copy stays", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    const booked = (await env.DB.prepare(
      "SELECT provider_transaction_id AS pid, amount, status FROM transactions WHERE space_id = ? AND status = 'posted' AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE 'balance#%' ORDER BY date DESC, id LIMIT 2",
    ).bind(spaceId).all<{ pid: string; amount: number; status: string }>()).results;
    expect(booked).toHaveLength(2);
    const ledger = await ledgerFingerprint(spaceId);
    sandbox.list = [{
      path: "/api/transactions/", who,
      alter: (list: any[]) => list.map((t) => (t.id === booked[0]!.pid ? { ...t, type: null } : t.id === booked[1]!.pid ? { ...t, amount: null } : t)),
    }];
    const jobId = await syncNow(connectionId);
    const job = await callJson(`/v1/sync-jobs/${jobId}`, as(owner));
    expect(job.status).toBe(200);
    expect(job.body.status).toBe("completed");
    expect(job.body.stats).toMatchObject({ errors: 2, removed: 0, created: 0 });
    for (const b of booked) {
      expect(await env.DB.prepare("SELECT amount, status FROM transactions WHERE space_id = ? AND provider_transaction_id = ?").bind(spaceId, b.pid).first()).toEqual({ amount: b.amount, status: b.status });
    }
    expect(await ledgerFingerprint(spaceId)).toEqual(ledger);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("one with no id is still an unreadable list: the sync fails and changes nothing", { timeout: 90_000 }, async () => {
    const { spaceId, connectionId, who } = await belvoLinked();
    const ledger = await ledgerFingerprint(spaceId);
    sandbox.list = [{ path: "/api/transactions/", who, alter: (list: any[]) => list.map((t, i) => (i === 0 ? { ...t, id: null, type: null } : t)) }];
    const jobId = await syncNow(connectionId);
    expect(await jobStats(jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo INVALID_RESPONSE: Belvo listed transactions with one that is not a transaction" });
    expect(await ledgerFingerprint(spaceId)).toEqual(ledger);
  });
});
