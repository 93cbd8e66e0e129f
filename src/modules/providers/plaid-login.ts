/**
 * One Plaid login per space. The exchange compares a new item's login with the space's (plaid.ts), but an item
 * whose accounts cannot be read then (its login is needed at once) is stored without a key; once repaired, two
 * Link sessions of one login would both import the same accounts and double every balance (a QA run). So the
 * login is compared again when its accounts are first read: at its first sync that reaches them.
 */
import type { Services } from "../../env";
import { isConflict } from "../../lib/errors";
import type { NormalAccount } from "./sync-types";
import { claimIdentity, type ConnectionRow, LoginRefused, type PlaidAccountPrint, plaidLoginKey, refuseLinkedPlaidAccounts, retireConnection } from "./connections";

/**
 * What a Plaid login is compared by: Plaid's institution and its accounts' prints, when Plaid names the
 * institution and every account has its last digits (without them, two logins cannot be told apart).
 */
export function plaidLogin(institution: string | null, accounts: NormalAccount[]): { institution: string; prints: PlaidAccountPrint[] } | null {
  const prints = accounts.map((a) => ({ type: a.type, subtype: a.subtype, currency: a.currency, mask: a.mask ?? "" }));
  return institution !== null && prints.length > 0 && prints.every((p) => p.mask !== "") ? { institution, prints } : null;
}

/**
 * Before a sync imports a Plaid item's accounts for the first time, when it has no login key: keeps the
 * institution Plaid names, and refuses a login that a live connection of the space holds (its accounts, or the
 * same key taken first by a sync running at the same time) as the exchange does: the item is removed at Plaid
 * (it bills until then), the connection is disconnected with the reason, and LoginRefused is thrown.
 */
export async function admitPlaidLogin(
  svc: Services, conn: ConnectionRow, institution: string | null, accounts: NormalAccount[], removeItem: () => Promise<unknown>,
): Promise<void> {
  if (conn.login_key !== null) return;
  const db = svc.env.DB;
  // Accounts read before (at the exchange, or before keys were kept) were compared then, or cannot be.
  if (await db.prepare("SELECT 1 FROM provider_accounts WHERE connection_id = ? LIMIT 1").bind(conn.id).first()) return;
  // Plaid's word over Link's metadata, as at the exchange; `updated_at` stays (setStatus reads it).
  if (institution !== null && institution !== conn.institution_id) {
    await db.prepare("UPDATE provider_connections SET institution_id = ? WHERE id = ?").bind(institution, conn.id).run();
  }
  const login = plaidLogin(institution, accounts);
  if (!login) return;
  try {
    await refuseLinkedPlaidAccounts(svc, conn.space_id, login.institution, login.prints);
    await claimIdentity(svc, conn, "login_key", await plaidLoginKey(svc.env, login.institution, login.prints));
  } catch (e) {
    if (!isConflict(e)) throw e;
    await removeItem().catch(() => undefined);
    const reason = `${(e as Error).message} This connection, another link of that login, was removed at Plaid and imported nothing.`;
    await retireConnection(svc, conn.id, reason);
    throw new LoginRefused(reason);
  }
}
