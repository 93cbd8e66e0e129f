/**
 * A pending purchase that the bank posts days later with a tip: the transaction keeps its purchase day, and
 * the tip's correcting entry is on that day too. A QA run saw the tip land two days after its purchase, a
 * purchase split over two days and, at a month's end, over two budget periods.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { plaidSandboxInternals } from "../../src/sandbox/plaid";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

/** A public token whose item has a restaurant purchase pending from the day before (so posted a day later, with a tip). */
async function tokenWithPendingRestaurant(anchorDay: string): Promise<string> {
  for (let i = 0; ; i++) {
    const token = `public-sandbox-posted-dates-${i}`;
    // The item's seed is the SHA-256 of its token (the probe once used the token itself: another item's data).
    const item = { item_id: "probe", seed: await sha256Hex(token), anchor_day: anchorDay, history_days: 90 } as Parameters<typeof plaidSandboxInternals.stateAt>[0];
    const pending = [...plaidSandboxInternals.stateAt(item, 0).values()].filter((t) => t.pending && t.restaurant && t.date < anchorDay);
    if (pending.length) return token;
  }
}

describe("a purchase posted later with a tip", () => {
  it("keeps its purchase day, and its tip is on that day", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const anchorDay = new Date().toISOString().slice(0, 10); // the simulator anchors an item at its link's UTC day
    const linked = await linkPlaid(owner, spaceId, await tokenWithPendingRestaurant(anchorDay));
    await waitForJob(linked.jobId);
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(linked.connection.id), generations: 1 });
    await syncNow(linked.connection.id);

    const { results } = await env.DB.prepare(
      `SELECT c.date AS corrected, p.date AS purchase FROM transactions c
         JOIN transactions p ON p.space_id = c.space_id AND p.provider_transaction_id = substr(c.provider_transaction_id, 1, instr(c.provider_transaction_id, '#c') - 1)
        WHERE c.space_id = ? AND c.provider_transaction_id LIKE '%#c%'`,
    ).bind(spaceId).all<{ corrected: number; purchase: number }>();
    expect(results.length).toBeGreaterThan(0); // the scenario happened: a tip was added at posting
    for (const r of results) expect(r.corrected).toBe(r.purchase);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
