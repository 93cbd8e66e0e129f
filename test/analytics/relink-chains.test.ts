/**
 * Relinks (relinks.ts), from the review of de7ea9e and ed3f6f0:
 *  - a bank linked three times (A → B → C): each old account is left out from its earliest successor's first
 *    row on, active or not, so the days between B's first row and C's count once (B is inactive once C comes,
 *    and A was left out only from C's first row: those days counted A and B);
 *  - nothing unknown is equal: two logins at one institution whose accounts have no last four digits (Plaid's
 *    mask is nullable, and then the login has no key) are two banks, and an account with no known
 *    disconnection is taken over by none: dropping a real account's money shows nowhere.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ownerWithSpace } from "../providers/helpers";
import { localDays } from "./fixture";
import { dashboardFigures as cash, disconnect, linkedPlaid as link } from "./relink-helpers";


describe("relinks in cash flow and net worth", () => {
  it("a bank linked three times (A → B → C) counts each day's rows once", { timeout: 180_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const A = await link(owner, spaceId, `${token}.1`);
    const once = await cash(owner, spaceId);
    await disconnect(owner, A);
    const B = await link(owner, spaceId, `${token}.2`);
    expect((await cash(owner, spaceId)).expenses).toBe(once.expenses); // one relink: counted once (shipped test)
    await disconnect(owner, B);
    const C = await link(owner, spaceId, `${token}.3`);
    // C's history starts later than B's (in life: C linked weeks after B, with the same 90 days of history; the
    // sandbox anchors every item today, so C's oldest 60 days are removed to stand for that).
    const { day } = localDays("UTC");
    await env.DB.prepare(
      `DELETE FROM transactions WHERE account_id IN (SELECT account_id FROM provider_accounts WHERE connection_id = ?) AND date < ?`,
    ).bind(C, Date.parse(`${day(-30)}T00:00:00Z`)).run();
    const after = await cash(owner, spaceId);
    // Every real transaction of [-90, -30) is held by A and by B: it must count once.
    expect(after.expenses).toBe(once.expenses);
  });

  it("another login at the same institution whose accounts have no last four digits is another bank: both count", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const first = await link(owner, spaceId, `public-sandbox-${crypto.randomUUID()}`);
    const alone = await cash(owner, spaceId);
    await disconnect(owner, first);
    await link(owner, spaceId, `public-sandbox-${crypto.randomUUID()}`);
    const both = await cash(owner, spaceId); // with last-four digits: two banks, both count (shipped test)
    expect(Number(both.expenses)).toBeGreaterThan(Number(alone.expenses));
    // An institution whose accounts Plaid returns with mask: null (plaidLogin then gives no login key either).
    await env.DB.prepare("UPDATE accounts SET account_number_mask = NULL WHERE space_id = ?").bind(spaceId).run();
    await env.DB.prepare("UPDATE provider_connections SET login_key = NULL WHERE space_id = ?").bind(spaceId).run();
    const after = await cash(owner, spaceId);
    // The same two banks, only without digits: the first login's 90 days are still other money and must count.
    expect(after).toEqual(both);
  });

  it("an account whose connection has no known disconnection (a legacy row) is taken over by none: both count", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const token = `public-sandbox-${crypto.randomUUID()}`;
    const A = await link(owner, spaceId, `${token}.1`);
    const once = await cash(owner, spaceId);
    await disconnect(owner, A);
    await link(owner, spaceId, `${token}.2`);
    expect((await cash(owner, spaceId)).expenses).toBe(once.expenses);
    // A row from before disconnections were kept: nothing says when it stopped, so the active look-alike is not proven its successor.
    await env.DB.prepare("UPDATE accounts SET disconnected_at = NULL WHERE is_active = 0 AND space_id = ?").bind(spaceId).run();
    await env.DB.prepare("UPDATE provider_connections SET disconnected_at = NULL WHERE id = ?").bind(A).run();
    const after = await cash(owner, spaceId);
    expect(Number(after.expenses)).toBeGreaterThan(Number(once.expenses));
  });
});
