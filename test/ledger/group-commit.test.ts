/**
 * Group commit: writes that arrive while a batch is in flight share the next
 * D1 batch, each validated against the state the earlier ones leave. Driven
 * inside the object: a first write holds the batch while the group queues.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerOp, LedgerResult } from "../../src/modules/ledger/operations";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { callJson, createSpace, registerUser } from "../helpers";
import { groupingLedger, inFreshLedger, swapDb } from "./helpers";

/** A D1 handle that counts batches and can fail the next one before or after it commits. */
function countingDb(real: D1Database) {
  const state = { batches: [] as number[], fail: null as null | "before" | "after" };
  const db = {
    prepare: real.prepare.bind(real),
    batch: async (stmts: D1PreparedStatement[]) => {
      state.batches.push(stmts.length);
      const mode = state.fail;
      state.fail = null;
      if (mode === "before") throw new Error("D1 unavailable");
      const out = await real.batch(stmts);
      if (mode === "after") throw new Error("network reset after commit");
      return out;
    },
  };
  return { db, state };
}

const move = (spaceId: string, source: string, destination: string, amount: number, key?: string): LedgerOp => ({
  kind: "commit",
  spaceId,
  txs: [{ postings: [{ source, destination, amount, asset: "USD/2" }] }],
  idempotency: key ? { key, fingerprint: `fp-${source}-${destination}-${amount}` } : undefined,
});

/** `op` with a read after its commit: how many transactions the space has, and the latest sequence. */
const seen = (spaceId: string, op: LedgerOp): LedgerOp => ({
  ...op,
  readAfter: [{ sql: "SELECT COUNT(*) AS n, MAX(seq) AS top FROM ledger_transactions WHERE space_id = ?", params: [spaceId] }],
});

/** A day, and the first day of the back-dating tests. */
const DAY = 86_400_000;
const T0 = Date.parse("2024-06-10T00:00:00Z");

/** `op` dated `ms`. */
const at = (ms: number, op: LedgerOp): LedgerOp => ({ ...op, txs: op.kind === "commit" ? op.txs.map((t) => ({ ...t, timestamp: ms })) : [] } as LedgerOp);

const txids = (rs: LedgerResult[]) => rs.map((r) => (r.ok ? r.transactions[0]!.txid : r.error.code));
const count = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;

describe("group commit", () => {
  it("commits writes that queued behind a batch in one batch, each checked against the ones before it", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const first = ledger.execute(move(spaceId, "world", "users:a", 100));
      // Queued while the first batch is in flight: a refusal in the middle must not fail the others.
      const group = [
        ledger.execute(move(spaceId, "users:a", "world", 60)),
        ledger.execute(move(spaceId, "users:a", "world", 60)),
        ledger.execute(move(spaceId, "users:a", "world", 40)),
        ledger.execute(move(spaceId, "world", "users:b", 7)),
      ];
      expect((await first).ok).toBe(true);
      const results = await Promise.all(group);
      expect(txids(results)).toEqual([1, "INSUFFICIENT_FUNDS", 2, 3]);
      // Besides the 2-statement read of the chain: the first write's batch, then one for the whole group.
      expect(state.batches.filter((n) => n > 2)).toHaveLength(2);
      restore();
    });
  });

  it("sends each table's rows of a group in one statement: a group of ten is a few statements more than one write", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const first = ledger.execute(move(spaceId, "world", "users:a", 1000, "k-0"));
      const group = Array.from({ length: 10 }, (_, i) => ledger.execute(move(spaceId, "users:a", `users:${i % 3}`, 10 + i, `k-${i + 1}`)));
      expect((await first).ok).toBe(true);
      expect(txids(await Promise.all(group))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const [alone, grouped] = state.batches.filter((n) => n > 2);
      // Alone: the key record, the ledger transaction, entries, volumes, ledger accounts and log row.
      // Grouped: ten key records, then one statement for each of those tables.
      expect(grouped).toBe(10 + (alone! - 1));
      restore();
    });
  });

  it("gathers a group's rows past D1's 100 parameters into one statement per table, one JSON parameter each", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const first = ledger.execute(move(spaceId, "world", "users:a", 10_000));
      // Four writes of 40 postings each: 160 entries and 160 volume rows in the group's batch.
      const wide = (w: number): LedgerOp => ({
        kind: "commit",
        spaceId,
        txs: [{ postings: Array.from({ length: 40 }, (_, i) => ({ source: "users:a", destination: `users:w${w}-${i}`, amount: 1 + i, asset: "USD/2" })) }],
      });
      const group = [0, 1, 2, 3].map((w) => ledger.execute(wide(w)));
      expect((await first).ok).toBe(true);
      expect(txids(await Promise.all(group))).toEqual([1, 2, 3, 4]);
      // The first write's batch, then the group's: one statement for each table, however many rows.
      expect(state.batches.filter((n) => n > 2)).toEqual([5, 5]);
      const entries = await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
      expect(entries!.n).toBe(2 + 4 * 40 * 2);
      restore();
    });
  });

  it("answers a retry queued in the same group as its first write from that write's record", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const first = ledger.execute(move(spaceId, "world", "users:a", 1));
      const group = [
        ledger.execute(move(spaceId, "world", "users:a", 5, "once")),
        ledger.execute(move(spaceId, "world", "users:b", 6)),
        ledger.execute(move(spaceId, "world", "users:a", 5, "once")),
        ledger.execute(move(spaceId, "world", "users:a", 9, "once")), // the same key with another body
      ];
      await first;
      const results = await Promise.all(group);
      expect(results[0]).toMatchObject({ ok: true, replayed: false });
      expect(results[2]).toMatchObject({ ok: true, replayed: true });
      expect(txids([results[2]!])).toEqual(txids([results[0]!]));
      expect(results[3]).toMatchObject({ ok: false, error: { code: "IDEMPOTENCY_KEY_REUSED" } });
      expect(results[1]!.ok).toBe(true);
    });
    expect(await count(spaceId)).toBe(3);
  });

  it("answers a key recorded before the object knew it, in a group, from its record: the others commit once, in one batch each", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      expect(await ledger.execute(move(spaceId, "world", "users:a", 100, "old-key"))).toMatchObject({ ok: true, replayed: false });
      // As after a restart: the record is in D1, the object does not know it.
      (ledger as unknown as { recordedKeys: Set<string> }).recordedKeys.clear();
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const first = ledger.execute(move(spaceId, "users:a", "world", 1));
      const group = [
        ledger.execute(move(spaceId, "users:a", "world", 2, "new-key")),
        ledger.execute(move(spaceId, "world", "users:a", 100, "old-key")), // the retry
        ledger.execute(move(spaceId, "users:a", "world", 3)),
      ];
      expect((await first).ok).toBe(true);
      const results = await Promise.all(group);
      expect(results[1]).toMatchObject({ ok: true, replayed: true });
      expect(txids(results)).toEqual([2, 0, 3]);
      // No read of the keys before the group: its batch met the recorded key and rolled back; once the key
      // was known, the group went again as one batch, the retry answered from its record.
      expect(state.batches.filter((n) => n > 2)).toHaveLength(3);
      state.batches.length = 0;
      // Now known: a second retry in a group is answered before the batch, which commits the rest at once.
      const second = ledger.execute(move(spaceId, "users:a", "world", 4));
      const again = [ledger.execute(move(spaceId, "world", "users:a", 100, "old-key")), ledger.execute(move(spaceId, "users:a", "world", 5))];
      expect((await second).ok).toBe(true);
      const answers = await Promise.all(again);
      expect(answers[0]).toMatchObject({ ok: true, replayed: true });
      expect(txids(answers)).toEqual([0, 5]);
      // No batch met the key (which would roll back and run again): the writes took one or two batches.
      expect(state.batches.filter((n) => n > 2).length).toBeLessThanOrEqual(2);
      restore();
    });
    expect(await count(spaceId)).toBe(6);
  });

  it("answers a lone retry whose key it knows from the record, with no batch that meets the key", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      expect(await ledger.execute(move(spaceId, "world", "users:a", 100, "lone-key"))).toMatchObject({ ok: true, replayed: false });
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const retry = await ledger.execute(move(spaceId, "world", "users:a", 100, "lone-key"));
      expect(retry).toMatchObject({ ok: true, replayed: true });
      expect(txids([retry])).toEqual([0]);
      expect(await ledger.execute(move(spaceId, "world", "users:a", 7, "lone-key"))).toMatchObject({ ok: false, error: { code: "IDEMPOTENCY_KEY_REUSED" } });
      // Only reads of the record: no write's batch went to D1 to be refused by the key.
      expect(state.batches.filter((n) => n > 2)).toEqual([]);
      restore();
    });
    expect(await count(spaceId)).toBe(1);
  });

  it("answers a retry refused in its group (its first attempt took the money) from its record, when the key was unknown to the object", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      expect((await ledger.execute(move(spaceId, "world", "users:a", 100))).ok).toBe(true);
      const paid = await ledger.execute(move(spaceId, "users:a", "world", 100, "pay-1"));
      expect(paid).toMatchObject({ ok: true, replayed: false });
      (ledger as unknown as { recordedKeys: Set<string> }).recordedKeys.clear();
      const first = ledger.execute(move(spaceId, "world", "users:b", 5));
      const group = [
        ledger.execute(move(spaceId, "users:a", "world", 100, "pay-1")), // the retry: users:a holds nothing now
        ledger.execute(move(spaceId, "world", "users:b", 6)),
      ];
      expect((await first).ok).toBe(true);
      const [retry, other] = await Promise.all(group);
      expect(retry).toMatchObject({ ok: true, replayed: true });
      expect(txids([retry!])).toEqual(txids([paid]));
      expect(txids([other!])).toEqual([3]);
    });
    expect(await count(spaceId)).toBe(4);
  });

  it("keeps a new address's first sequence and its volumes right when two writes of a group create it", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const first = ledger.execute(move(spaceId, "world", "users:a", 100));
      const group = [
        ledger.execute(move(spaceId, "users:a", "users:new", 10)),
        ledger.execute(move(spaceId, "users:a", "users:new", 20)),
        ledger.execute(move(spaceId, "users:new", "world", 5)),
      ];
      expect((await first).ok).toBe(true);
      expect(txids(await Promise.all(group))).toEqual([1, 2, 3]);
      const acc = await env.DB.prepare("SELECT first_seq FROM ledger_accounts WHERE space_id = ? AND address = 'users:new'").bind(spaceId).first<{ first_seq: number }>();
      expect(acc!.first_seq).toBe(1);
      const vol = await env.DB.prepare("SELECT input, output FROM ledger_volumes WHERE space_id = ? AND address = 'users:new'").bind(spaceId).first();
      expect(vol).toEqual({ input: 30, output: 5 });
    });
    expect(await count(spaceId)).toBe(4);
  });

  it("answers a guarded write whose guard fails in a group UNVERIFIED, and commits the others", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const guard = (holds: boolean) => ({ sql: "INSERT INTO write_guards (refused) SELECT 1 WHERE ? = 0", params: [holds ? 1 : 0] });
      const first = ledger.execute(move(spaceId, "world", "users:a", 100));
      const group = [
        ledger.execute(move(spaceId, "users:a", "world", 10)),
        ledger.execute({ ...move(spaceId, "users:a", "world", 20, "guarded-1"), guard: guard(false) } as LedgerOp),
        ledger.execute({ ...move(spaceId, "users:a", "world", 90), guard: guard(false) } as LedgerOp), // would also overdraw: still UNVERIFIED
        ledger.execute({ ...move(spaceId, "users:a", "world", 30), guard: guard(true) } as LedgerOp),
      ];
      expect((await first).ok).toBe(true);
      expect(txids(await Promise.all(group))).toEqual([1, "UNVERIFIED", "UNVERIFIED", 2]);
      // The refused write's key was not recorded: it is fresh for the ordinary path.
      expect(await ledger.execute(move(spaceId, "users:a", "world", 20, "guarded-1"))).toMatchObject({ ok: true, replayed: false });
    });
    expect(await count(spaceId)).toBe(4);
  });

  it("runs a refusal again when its group rolls back: a write refused for another's debit that never landed is not refused for it", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const guard = { sql: "INSERT INTO write_guards (refused) SELECT 1 WHERE ? = 1", params: [1] };
      const first = ledger.execute(move(spaceId, "world", "users:a", 100));
      const group = [
        // Staged first, it leaves 20 in the cache; then its guard fails the batch, which rolls back.
        ledger.execute({ ...move(spaceId, "users:a", "world", 80), guard } as LedgerOp),
        ledger.execute(move(spaceId, "users:a", "world", 50)),
        ledger.execute(move(spaceId, "users:a", "world", 60)), // refused either way: 50 of 100 went before it
      ];
      expect((await first).ok).toBe(true);
      expect(txids(await Promise.all(group))).toEqual(["UNVERIFIED", 1, "INSUFFICIENT_FUNDS"]);
    });
    expect(await count(spaceId)).toBe(2);
  });

  it("runs each write again when the group's batch fails before committing: nothing lost, nothing doubled", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const first = ledger.execute(move(spaceId, "world", "users:a", 100));
      const group = [
        ledger.execute(move(spaceId, "users:a", "world", 30, "g-1")),
        ledger.execute(move(spaceId, "users:a", "world", 30)),
        ledger.execute(move(spaceId, "users:a", "world", 50)), // refused: 40 left after the two above
      ];
      await first;
      state.fail = "before";
      const results = await Promise.all(group);
      expect(txids(results)).toEqual([1, 2, "INSUFFICIENT_FUNDS"]);
      restore();
      // The keyed write's record is there once: its retry replays it.
      expect(await ledger.execute(move(spaceId, "users:a", "world", 30, "g-1"))).toMatchObject({ ok: true, replayed: true });
    });
    expect(await count(spaceId)).toBe(3);
  });

  it("answers every write of a group whose batch committed but whose answer was lost, once", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const { db, state } = countingDb(env.DB);
      const restore = swapDb(ledger, db);
      const first = ledger.execute(move(spaceId, "world", "users:a", 100));
      const group = [ledger.execute(move(spaceId, "users:a", "world", 10)), ledger.execute(move(spaceId, "users:a", "world", 20))];
      await first;
      state.fail = "after";
      expect(txids(await Promise.all(group))).toEqual([1, 2]);
      restore();
      // The object reloaded from D1 and carries on from the committed state.
      expect(txids([await ledger.execute(move(spaceId, "users:a", "world", 70))])).toEqual([3]);
      expect(txids([await ledger.execute(move(spaceId, "users:a", "world", 1))])).toEqual(["INSUFFICIENT_FUNDS"]);
    });
    expect(await count(spaceId)).toBe(4);
  });

  it("answers every write of a group when a read fails while the group is staged", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const real = env.DB;
      let armed = true;
      // The read of a new address's volumes fails once, in the middle of the group.
      const flaky = {
        batch: real.batch.bind(real),
        prepare: (sql: string) => {
          const stmt = real.prepare(sql);
          if (!sql.includes("FROM ledger_volumes v")) return stmt;
          return { bind: (...args: unknown[]) => {
            if (armed && JSON.stringify(args).includes("users:c")) {
              armed = false;
              throw new Error("D1 hiccup");
            }
            return stmt.bind(...args);
          } };
        },
      };
      const restore = swapDb(ledger, flaky);
      const first = ledger.execute(move(spaceId, "world", "users:a", 1));
      const group = [
        ledger.execute(move(spaceId, "world", "users:b", 2)),
        ledger.execute(move(spaceId, "world", "users:c", 3)),
        ledger.execute(move(spaceId, "world", "users:d", 4)),
      ];
      await first;
      expect(txids(await Promise.all(group))).toEqual([1, 2, 3]);
      restore();
    });
    expect(await count(spaceId)).toBe(4);
  });

  it("defers a back-dated write on an address its group touched, so its value-date check reads committed entries", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      const first = ledger.execute(at(T0, move(spaceId, "world", "users:a", 100)));
      const group = [
        ledger.execute(at(T0 + 5 * DAY, move(spaceId, "users:a", "world", 80))),
        // Back-dated before the staged withdrawal: 100 on day 1, then -30 leaves 70 on day 2 and -10 on day 5.
        ledger.execute(at(T0 + DAY, move(spaceId, "users:a", "world", 30))),
        ledger.execute(at(T0 + DAY, move(spaceId, "users:a", "world", 20))),
      ];
      await first;
      const results = await Promise.all(group);
      expect(txids(results)).toEqual([1, "INSUFFICIENT_FUNDS", 2]);
    });
  });

  it("defers only the back-dated write and the writes after it on its accounts: the rest of its group commits now", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      const first = ledger.execute(at(T0, move(spaceId, "world", "users:a", 100)));
      const group = [
        ledger.execute(at(T0 + 5 * DAY, move(spaceId, "users:a", "world", 80))),
        // Back-dated on users:a, which the group staged: it waits for the next group.
        ledger.execute(at(T0 + DAY, move(spaceId, "users:a", "world", 10))),
        // Another account (world is shared by all, and bounds nothing by date): it commits with the group.
        ledger.execute(seen(spaceId, at(T0 + 6 * DAY, move(spaceId, "world", "users:b", 7)))),
        // users:a again, after the waiting write: it keeps its place behind it.
        ledger.execute(seen(spaceId, at(T0 + 6 * DAY, move(spaceId, "users:a", "world", 15)))),
      ];
      await first;
      const results = await Promise.all(group);
      // The deferred write is checked by date against the first group: 100, 90 on day 1, 10 on day 5; then -15 is refused.
      expect(txids(results)).toEqual([1, 3, 2, "INSUFFICIENT_FUNDS"]);
      // users:b's write committed in the first group's batch (seq 0 to 2), not behind the back-dated one.
      expect(results[2]!.ok && results[2]!.reads).toEqual([[{ n: 3, top: 2 }]]);
      expect(await ledgerViolations(spaceId)).toEqual([]);
    });
  });

  describe("reads after the commit (readAfter)", () => {
    const readOf = (r: LedgerResult) => (r.ok ? r.reads : r.error.code);

    it("runs a write's reads in its own batch, after its statements, alone and in a group", async () => {
      await inFreshLedger(async (ledger, spaceId) => {
        const { db, state } = countingDb(env.DB);
        const restore = swapDb(ledger, db);
        const first = ledger.execute(seen(spaceId, move(spaceId, "world", "users:a", 100)));
        const group = [
          ledger.execute(seen(spaceId, move(spaceId, "users:a", "world", 60))),
          ledger.execute(seen(spaceId, move(spaceId, "users:a", "world", 60))), // refused: no reads
          ledger.execute(move(spaceId, "world", "users:b", 7)), // asks for none
          ledger.execute(seen(spaceId, move(spaceId, "world", "users:b", 8))),
        ];
        // Alone: its read sees its own transaction.
        expect(readOf(await first)).toEqual([[{ n: 1, top: 0 }]]);
        const results = await Promise.all(group);
        expect(txids(results)).toEqual([1, "INSUFFICIENT_FUNDS", 2, 3]);
        // In the group's one batch, the reads come after every write of the group: each sees its own, and the others.
        expect(results.map(readOf)).toEqual([[[{ n: 4, top: 3 }]], "INSUFFICIENT_FUNDS", undefined, [[{ n: 4, top: 3 }]]]);
        expect(state.batches.filter((n) => n > 2)).toHaveLength(2);
        restore();
      });
    });

    it("refuses a readAfter that is not a SELECT, or that binds D1's cap of parameters, and writes nothing", async () => {
      const spaceId = await inFreshLedger(async (ledger, spaceId) => {
        const sneaky = { ...move(spaceId, "world", "users:a", 5), readAfter: [{ sql: " delete FROM ledger_entries WHERE space_id = ?", params: [spaceId] }] };
        expect(await ledger.execute(sneaky)).toMatchObject({ ok: false, error: { status: 500, code: "INTERNAL_ERROR" } });
        const ids = Array.from({ length: 101 }, (_, i) => `x${i}`);
        const wide = { ...move(spaceId, "world", "users:a", 5), readAfter: [{ sql: `SELECT 1 WHERE 1 IN (${ids.map(() => "?").join(",")})`, params: ids }] };
        expect(await ledger.execute(wide)).toMatchObject({ ok: false, error: { status: 500, code: "INTERNAL_ERROR" } });
      });
      expect(await count(spaceId)).toBe(0);
    });

    it("refuses a guard that is not an insert into write_guards, or that binds D1's cap of parameters, and writes nothing", async () => {
      const spaceId = await inFreshLedger(async (ledger, spaceId) => {
        const other = { ...move(spaceId, "world", "users:a", 5), guard: { sql: "DELETE FROM ledger_entries WHERE space_id = ?", params: [spaceId] } } as LedgerOp;
        expect(await ledger.execute(other)).toMatchObject({ ok: false, error: { status: 500, code: "INTERNAL_ERROR" } });
        const ids = Array.from({ length: 100 }, (_, i) => `x${i}`);
        const wide = { ...move(spaceId, "world", "users:a", 5), guard: { sql: `INSERT INTO write_guards (refused) SELECT 1 WHERE 'y' IN (${ids.map(() => "?").join(",")})`, params: ids } } as LedgerOp;
        expect(await ledger.execute(wide)).toMatchObject({ ok: false, error: { status: 500, code: "INTERNAL_ERROR" } });
        // Within the cap the same guard holds (no id is 'y') and the write commits.
        const narrow = { ...move(spaceId, "world", "users:a", 5), guard: { sql: `INSERT INTO write_guards (refused) SELECT 1 WHERE 'y' IN (${ids.slice(1).map(() => "?").join(",")})`, params: ids.slice(1) } } as LedgerOp;
        expect(await ledger.execute(narrow)).toMatchObject({ ok: true });
      });
      expect(await count(spaceId)).toBe(1);
    });

    it("answers without reads when the batch committed but its answer was lost (the caller reads for itself)", async () => {
      await inFreshLedger(async (ledger, spaceId) => {
        const { db, state } = countingDb(env.DB);
        const restore = swapDb(ledger, db);
        const first = ledger.execute(move(spaceId, "world", "users:a", 100));
        const group = [ledger.execute(seen(spaceId, move(spaceId, "users:a", "world", 1))), ledger.execute(seen(spaceId, move(spaceId, "users:a", "world", 2)))];
        await first;
        state.fail = "after";
        const results = await Promise.all(group);
        expect(txids(results)).toEqual([1, 2]);
        expect(results.map(readOf)).toEqual([undefined, undefined]);
        restore();
      });
    });
  });
});

describe("group commit through the API", () => {
  it("creates accounts with opening balances in one group, and writes to them: balances, counts and the ledger right", async () => {
    const user = await registerUser();
    const space = await createSpace(user);
    const names = ["A", "B", "C", "D", "E", "F"];
    const ledger = await groupingLedger(space.id, { queued: names.length - 1 }); // the first creation's batch held until the rest queue
    const created = await Promise.all(names.map((name, i) => callJson("/v1/accounts", {
      token: user.accessToken, ip: user.ip, body: { spaceId: space.id, name, type: "checking", currency: "USD", openingBalance: `${i + 1}0.00` },
    }))).finally(() => ledger.restore());
    expect(created.map((c) => c.status)).toEqual(names.map(() => 201));
    // They shared a batch: one of the batches holds the rows of several creations.
    expect(ledger.batches.length).toBeLessThan(names.length);
    const again = await groupingLedger(space.id);
    const spent = await Promise.all(created.map((c) => callJson("/v1/transactions", {
      token: user.accessToken, ip: user.ip, body: { spaceId: space.id, accountId: c.body.id, amount: "-1.25", description: `spend ${c.body.name}`, date: "2026-03-01" },
    }))).finally(() => again.restore());
    expect(spent.map((r) => r.status)).toEqual(names.map(() => 201));
    for (const [i, c] of created.entries()) {
      const got = await callJson(`/v1/accounts/${c.body.id}`, { token: user.accessToken, ip: user.ip });
      expect(got.body.balanceDecimal).toBe(`${i}8.75`.replace(/^0/, ""));
      const n = await env.DB.prepare("SELECT transaction_count AS n FROM accounts WHERE id = ?").bind(c.body.id).first<{ n: number }>();
      expect(n!.n).toBe(2);
    }
    const counted = await env.DB.prepare("SELECT transaction_count AS n FROM spaces WHERE id = ?").bind(space.id).first<{ n: number }>();
    expect(counted!.n).toBe(12);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});
