/**
 * A ledger account's row is written when a write first touches its address (naming that write as its
 * first), and not again: a later write's batch leaves out the upsert that would change nothing, also
 * after the object restarts (it learns from D1 which addresses have their first write recorded).
 * The ledger invariants check every address's first sequence against its entries.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerOp } from "../../src/modules/ledger/operations";
import { inFreshLedger, swapDb } from "./helpers";

/** A D1 handle that notes, for each batch, the addresses its ledger_accounts statements write. */
function accountRowsDb(real: D1Database) {
  const batches: string[][] = [];
  const db = {
    prepare: real.prepare.bind(real),
    batch: async (stmts: D1PreparedStatement[]) => {
      const written = stmts
        .map((st) => st as unknown as { statement: string; params: unknown[] })
        .filter((st) => /INSERT INTO ledger_accounts .*json_each/.test(st.statement))
        .flatMap((st) => (JSON.parse(String(st.params[0])) as [string, string][]).map((row) => row[1]));
      if (stmts.some((st) => /INSERT INTO ledger_transactions/.test((st as unknown as { statement: string }).statement))) batches.push(written);
      return real.batch(stmts);
    },
  };
  return { db, batches };
}

const move = (spaceId: string, source: string, destination: string, amount: number): LedgerOp => ({
  kind: "commit",
  spaceId,
  txs: [{ postings: [{ source, destination, amount, asset: "USD/2" }] }],
});

describe("ledger account rows", () => {
  it("are written by the first write to an address only, before and after the object restarts", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const { db, batches } = accountRowsDb(env.DB);
      const restore = swapDb(ledger, db);
      // An address whose row exists before any write (its metadata was set) still gets its first sequence.
      expect((await ledger.execute({ kind: "setAccountMetadata", spaceId, address: "users:c", metadata: { note: "x" } })).ok).toBe(true);
      for (const op of [
        move(spaceId, "world", "users:a", 100),
        move(spaceId, "world", "users:a", 50),
        move(spaceId, "users:a", "users:b", 30),
        move(spaceId, "users:b", "users:c", 10),
      ]) expect((await ledger.execute(op)).ok).toBe(true);
      expect(batches).toEqual([["world", "users:a"], [], ["users:b"], ["users:c"]]);

      ledger.forget();
      expect((await ledger.execute(move(spaceId, "users:a", "users:c", 5))).ok).toBe(true);
      expect((await ledger.execute(move(spaceId, "users:c", "users:d", 5))).ok).toBe(true);
      expect(batches.slice(4)).toEqual([[], ["users:d"]]);
      restore();
    });
    const rows = await env.DB.prepare("SELECT address, first_seq, metadata FROM ledger_accounts WHERE space_id = ? ORDER BY address").bind(spaceId).all();
    expect(rows.results).toEqual([
      { address: "users:a", first_seq: 0, metadata: "{}" },
      { address: "users:b", first_seq: 2, metadata: "{}" },
      { address: "users:c", first_seq: 3, metadata: JSON.stringify({ note: "x" }) },
      { address: "users:d", first_seq: 5, metadata: "{}" },
      { address: "world", first_seq: 0, metadata: "{}" },
    ]);
  });
});
