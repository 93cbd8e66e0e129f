/**
 * A transaction Belvo still lists but the sync cannot book this time (its currency null, as Belvo's schema allows,
 * or not its account's) is left out and told, not taken for one the bank removed: Belvo's listing is a snapshot of
 * each account's window, and a booked row missing from the upserts was reversed as removed at the bank (its history
 * replaced by a balance adjustment, then booked again when the currency came back).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { callJson } from "../helpers";
import { as, belvoLinked, syncNow } from "./helpers";

const sandbox = rewritingSandbox();

const live = (spaceId: string, pid: string) =>
  env.DB.prepare("SELECT amount, status FROM transactions WHERE space_id = ? AND provider_transaction_id = ? AND status != 'cancelled'")
    .bind(spaceId, pid)
    .first<{ amount: number; status: string }>();

describe("Belvo: a listed transaction left out is not removed", () => {
  for (const [what, currency] of [["a null currency", null], ["a currency not its account's", "USD"]] as const) {
    it(`a booked transaction listed again with ${what} stays booked`, { timeout: 90_000 }, async () => {
      const { owner, spaceId, connectionId, who } = await belvoLinked();
      // The most recent processed transaction the first sync booked: well inside the listing's window.
      const booked = await env.DB.prepare(
        "SELECT provider_transaction_id AS pid, amount FROM transactions WHERE space_id = ? AND status = 'posted' AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE 'balance#%' ORDER BY date DESC LIMIT 1",
      ).bind(spaceId).first<{ pid: string; amount: number }>();
      expect(booked).not.toBeNull();
      sandbox.list = [{ path: "/api/transactions/", who, alter: (list: any[]) => list.map((t) => (t.id === booked!.pid ? { ...t, currency } : t)) }];
      const jobId = await syncNow(connectionId);
      const job = await callJson(`/v1/sync-jobs/${jobId}`, as(owner));
      expect(job.status).toBe(200);
      expect(job.body.status).toBe("completed");
      expect(job.body.unsupported).toEqual([{ currency: currency ?? "(none)", accounts: 0, transactions: 1 }]);
      expect(job.body.stats.removed).toBe(0);
      expect(await live(spaceId, booked!.pid)).toEqual({ amount: booked!.amount, status: "posted" });
      expect(await ledgerViolations(spaceId)).toEqual([]);
    });
  }
});
