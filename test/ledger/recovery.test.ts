/**
 * The SpaceLedger's recovery from D1 faults, driven inside the object so a
 * failing write cannot escape as an unhandled rejection.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerOp } from "../../src/modules/ledger/operations";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { createSpace, registerUser } from "../helpers";
import { inFreshLedger, swapDb } from "./helpers";

const countTransactions = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;

const deposit = (spaceId: string, amount: number, key?: string): LedgerOp => ({
  kind: "commit",
  spaceId,
  txs: [{ postings: [{ source: "world", destination: "users:a", amount, asset: "USD/2" }] }],
  idempotency: key ? { key, fingerprint: `fp-${amount}` } : undefined,
});

/** Replaces the object's D1 handle with one whose batch fails before or after committing. */
function faultyDb(real: D1Database, mode: "before" | "after") {
  let armed = true;
  return {
    prepare: real.prepare.bind(real),
    batch: async (stmts: D1PreparedStatement[]) => {
      if (!armed) return real.batch(stmts);
      armed = false;
      if (mode === "after") await real.batch(stmts);
      throw new Error(mode === "after" ? "network reset after commit" : "D1 unavailable");
    },
  };
}

describe("SpaceLedger recovery", () => {
  it("a write whose response is lost after it committed is answered from its Idempotency-Key record", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      expect((await ledger.execute(deposit(spaceId, 100))).ok).toBe(true);
      const restore = swapDb(ledger, faultyDb(env.DB, "after"));
      const lost = await ledger.execute(deposit(spaceId, 50, "retry-me"));
      expect(lost).toMatchObject({ ok: true, replayed: true });
      expect(lost.ok && lost.transactions[0]!.txid).toBe(1);
      restore();
      const retry = await ledger.execute(deposit(spaceId, 50, "retry-me"));
      expect(retry).toMatchObject({ ok: true, replayed: true });
      const next = await ledger.execute(deposit(spaceId, 1));
      expect(next.ok && next.transactions[0]!.txid).toBe(2);
    });
  });

  it("a write whose outcome is unknown and without a key is reported as retryable", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      expect((await ledger.execute(deposit(spaceId, 100))).ok).toBe(true);
      const restore = swapDb(ledger, faultyDb(env.DB, "after"));
      expect(await ledger.execute(deposit(spaceId, 50))).toMatchObject({ ok: false, error: { status: 503 } });
      restore();
      // The cache was dropped, so the next write builds on the commit it did not hear about.
      const next = await ledger.execute(deposit(spaceId, 1));
      expect(next.ok && next.transactions[0]!.txid).toBe(2);
    });
  });

  it("a replayed key is refused by the batch, answered from its record, and keeps the cached state", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      const first = await ledger.execute(deposit(spaceId, 70, "once"));
      expect(first).toMatchObject({ ok: true, replayed: false });
      const cached = (ledger as unknown as { chain: unknown }).chain;
      const replay = await ledger.execute(deposit(spaceId, 70, "once"));
      expect(replay).toMatchObject({ ok: true, replayed: true });
      expect(replay.ok && replay.transactions[0]!.txid).toBe(0);
      expect((ledger as unknown as { chain: unknown }).chain).toBe(cached);
      const reused = await ledger.execute(deposit(spaceId, 71, "once"));
      expect(reused).toMatchObject({ ok: false, error: { status: 422, code: "IDEMPOTENCY_KEY_REUSED" } });
    });
    expect(await countTransactions(spaceId)).toBe(1);
  });

  it("a replay that would now fail (funds since spent) still returns the first result", async () => {
    const withdraw = (spaceId: string, key: string): LedgerOp => ({
      kind: "commit", spaceId,
      txs: [{ postings: [{ source: "users:a", destination: "world", amount: 80, asset: "USD/2" }] }],
      idempotency: { key, fingerprint: "fp-withdraw" },
    });
    await inFreshLedger(async (ledger, spaceId) => {
      await ledger.execute(deposit(spaceId, 100));
      expect(await ledger.execute(withdraw(spaceId, "w-1"))).toMatchObject({ ok: true, replayed: false });
      expect(await ledger.execute(withdraw(spaceId, "w-1"))).toMatchObject({ ok: true, replayed: true });
      expect(await ledger.execute(withdraw(spaceId, "w-2"))).toMatchObject({ ok: false, error: { code: "INSUFFICIENT_FUNDS" } });
    });
  });

  it("a refusal stays a refusal when the stored-result lookup behind it fails", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      await ledger.execute(deposit(spaceId, 10));
      const real = env.DB;
      const lookupFails = {
        batch: real.batch.bind(real),
        prepare: (sql: string) => {
          if (sql.startsWith("SELECT fingerprint")) throw new Error("D1 hiccup");
          return real.prepare(sql);
        },
      };
      const restore = swapDb(ledger, lookupFails);
      const overdraw = await ledger.execute({
        kind: "commit", spaceId,
        txs: [{ postings: [{ source: "users:a", destination: "world", amount: 11, asset: "USD/2" }] }],
        idempotency: { key: "k-over", fingerprint: "fp" },
      });
      expect(overdraw).toMatchObject({ ok: false, error: { status: 422, code: "INSUFFICIENT_FUNDS" } });
      restore();
    });
  });

  it("a failed batch leaves nothing half-written and the next write proceeds", async () => {
    const spaceId = await inFreshLedger(async (ledger, spaceId) => {
      expect((await ledger.execute(deposit(spaceId, 100))).ok).toBe(true);
      const restore = swapDb(ledger, faultyDb(env.DB, "before"));
      expect((await ledger.execute(deposit(spaceId, 50, "k"))).ok).toBe(false);
      restore();
      const again = await ledger.execute(deposit(spaceId, 50, "k"));
      expect(again).toMatchObject({ ok: true, replayed: false });
      expect(again.ok && again.transactions[0]!.txid).toBe(1);
    });
    expect(await countTransactions(spaceId)).toBe(2);
  });

  it("rebuilds its state from D1 after being reset", async () => {
    await inFreshLedger(async (ledger, spaceId) => {
      await ledger.execute(deposit(spaceId, 100));
      ledger.forget();
      const r = await ledger.execute({
        kind: "commit", spaceId,
        txs: [{ postings: [{ source: "users:a", destination: "users:b", amount: 101, asset: "USD/2" }] }],
      });
      expect(r).toMatchObject({ ok: false, error: { code: "INSUFFICIENT_FUNDS" } });
      const ok = await ledger.execute(deposit(spaceId, 5));
      expect(ok.ok && ok.transactions[0]!.txid).toBe(1);
    });
  });
});

describe("SpaceLedger reset between a commit and its response", () => {
  it("a retry with the same Idempotency-Key after the object is reset returns the committed result once", async () => {
    const { abortAllDurableObjects } = await import("cloudflare:test");
    const { callJson } = await import("../helpers");
    const u = await registerUser();
    const spaceId = (await createSpace(u)).id;
    const post = () =>
      callJson(`/v1/spaces/${spaceId}/ledger/transactions`, {
        token: u.accessToken, ip: u.ip, headers: { "idempotency-key": "reset-1" },
        body: { postings: [{ source: "world", destination: "users:a", amount: 42, asset: "USD/2" }] },
      });
    const first = await post();
    expect(first.status).toBe(201);
    // Every Durable Object instance is reset, as if the response had been lost with the object.
    await abortAllDurableObjects();
    const retry = await post();
    expect(retry.status).toBe(201);
    expect(retry.res.headers.get("idempotency-replayed")).toBe("true");
    expect(retry.body.data[0].txid).toBe(first.body.data[0].txid);
    const stats = await callJson(`/v1/spaces/${spaceId}/ledger/stats`, { token: u.accessToken, ip: u.ip });
    expect(stats.body.data.transactions).toBe(1);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
