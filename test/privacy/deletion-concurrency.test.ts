/**
 * A space deleted while writes are in flight in its ledger object, deleted twice at once, and another space of the
 * same owner written meanwhile: each write into the deleted space either landed whole or was refused (404), the
 * deleted space's ledger still verifies (history kept for audit), one DELETE wins and the other is the 404, and the
 * other space's ledger holds every one of its writes with its invariants intact.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson, createSpace, enableTwoFactor, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

describe("deleting a space while its ledger and another space's are written", () => {
  it("leaves both ledgers sound and the other space's whole", { timeout: 120_000 }, async () => {
    const owner = await registerUser();
    await enableTwoFactor(owner);
    const [doomed, kept] = [await createSpace(owner), await createSpace(owner)];
    const [a, b] = [await createAccount(owner, doomed.id, { openingBalance: "100.00" }), await createAccount(owner, kept.id, { openingBalance: "100.00" })];
    const as = { token: owner.accessToken, ip: owner.ip };
    const write = (spaceId: string, accountId: string, i: number) =>
      callJson("/v1/transactions", { ...as, body: { spaceId, accountId, amount: "-1.00", description: `w${i}`, date: "2026-11-30" } });
    const del = () => call(`/v1/spaces/${doomed.id}`, { method: "DELETE", ...as });
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => write(doomed.id, a.id, i)),
      ...Array.from({ length: 6 }, (_, i) => write(kept.id, b.id, i)),
      del(), del(),
    ]);
    const doomedWrites = results.slice(0, 6) as { status: number }[];
    const keptWrites = results.slice(6, 12) as { status: number }[];
    const deletes = (results.slice(12) as Response[]).map((r) => r.status).sort();
    expect(deletes).toEqual([204, 404]);
    for (const w of doomedWrites) expect([201, 404]).toContain(w.status);
    expect(keptWrites.map((w) => w.status)).toEqual([201, 201, 201, 201, 201, 201]);
    // What landed in the deleted space is whole and its ledger verifies; the refused writes left nothing.
    const landed = doomedWrites.filter((w) => w.status === 201).length;
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description LIKE 'w%'").bind(doomed.id).first<{ n: number }>();
    expect(rows!.n).toBe(landed);
    expect(await ledgerViolations(doomed.id)).toEqual([]);
    expect(await ledgerViolations(kept.id)).toEqual([]);
    const other = await callJson(`/v1/accounts/${b.id}`, as);
    expect(other.body.balance).toBe(94);
    // A third DELETE is the 404 too: deletion is idempotent in effect.
    expect((await del()).status).toBe(404);
  });
});
