/**
 * Property-based: random sequences of ledger operations (seeded, so any
 * failure reproduces) keep every invariant after every single operation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { ledgerSpace, postTx, type LedgerCtx } from "../ledger/helpers";
import { ledgerViolations } from "./ledger-invariants";

const ADDRESSES = ["world", "users:a", "users:b", "users:c", "expense:food", "equity:opening"];
const ASSETS = ["USD/2", "BTC/8", "JPY/0"];

const postingArb = fc
  .record({
    source: fc.constantFrom(...ADDRESSES),
    destination: fc.constantFrom(...ADDRESSES),
    amount: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 2_000_000 })),
    asset: fc.constantFrom(...ASSETS),
  })
  .filter((p) => p.source !== p.destination);

const txArb = fc.record({ postings: fc.array(postingArb, { minLength: 1, maxLength: 4 }) });

const opArb = fc.oneof(
  { weight: 5, arbitrary: txArb.map((body) => ({ kind: "tx" as const, body })) },
  { weight: 2, arbitrary: fc.array(txArb, { minLength: 1, maxLength: 5 }).map((txs) => ({ kind: "batch" as const, txs })) },
  { weight: 2, arbitrary: fc.nat({ max: 30 }).map((target) => ({ kind: "revert" as const, target })) },
  { weight: 1, arbitrary: fc.record({ key: fc.constantFrom("k1", "k2", "k3"), body: txArb }).map((r) => ({ kind: "idem" as const, ...r })) },
  { weight: 1, arbitrary: fc.nat({ max: 30 }).map((target) => ({ kind: "meta" as const, target })) },
);

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

async function apply(ctx: LedgerCtx, op: Op): Promise<number> {
  const auth = { token: ctx.user.accessToken, ip: ctx.user.ip };
  switch (op.kind) {
    case "tx":
      return (await postTx(ctx, op.body)).status;
    case "batch":
      return (await callJson(`${ctx.base}/transactions/batch`, { ...auth, body: { transactions: op.txs } })).status;
    case "revert":
      return (await callJson(`${ctx.base}/transactions/${op.target}/revert`, { ...auth, method: "POST" })).status;
    case "idem":
      return (await postTx(ctx, op.body, { headers: { "idempotency-key": op.key } })).status;
    case "meta":
      return (await callJson(`${ctx.base}/transactions/${op.target}/metadata`, { ...auth, method: "PUT", body: { touched: "yes" } })).status;
  }
}

describe("ledger invariants under random operation sequences", () => {
  it("hold after every operation", async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 25 }), async (ops) => {
        const ctx = await ledgerSpace();
        for (const op of ops) {
          const status = await apply(ctx, op);
          seen.add(status);
          // Never a server error; only success or a client error the ledger explains.
          expect([200, 201, 204, 404, 409, 422]).toContain(status);
          const violations = await ledgerViolations(ctx.spaceId);
          expect(violations, `after ${JSON.stringify(op)}`).toEqual([]);
        }
      }),
      { seed: 20261121, numRuns: 6, endOnFailure: true },
    );
    // The generator reached both committed and refused writes.
    expect(seen.has(201)).toBe(true);
    expect(seen.has(422)).toBe(true);
  });
});
