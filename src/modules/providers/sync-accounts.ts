/**
 * The Dhanam accounts a provider's accounts map to: found through `provider_accounts`, or opened (with the accounts a
 * bank linked again took over, whose rows the new ones take the person's work from: relink-carry.ts).
 */
import type { Services } from "../../env";
import { truncateText } from "../../lib/exact-json";
import { newId } from "../../lib/ids";
import { runLedger } from "../ledger/client";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import type { AccountRow } from "../accounts/service";
import type { ConnectionRow } from "./connections";
import { predecessorIds, predecessorsSql } from "./relink-carry";
import { type NormalAccount } from "./sync-types";

/**
 * The connection's accounts by the provider's id, created on first sight (idempotently: a retried creation replays),
 * and by Dhanam id the accounts each took over (relink-carry.ts), newest first.
 */
export async function ensureAccounts(svc: Services, conn: ConnectionRow, list: NormalAccount[]): Promise<{ byExt: Map<string, AccountRow>; predecessors: Map<string, string[]> }> {
  const db = svc.env.DB;
  // With each account, the accounts it took over (a bank linked again), whose rows its imports take the user's work from.
  const predecessors = new Map<string, string[]>();
  const known = async () =>
    (
      await db
        .prepare(
          `SELECT a.*, ${predecessorsSql("a")} AS predecessors FROM provider_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.connection_id = ?`,
        )
        .bind(conn.id)
        .all<Record<string, unknown>>()
    ).results.map((r) => {
      predecessors.set(r.id as string, predecessorIds(r.predecessors as string | null));
      return accountFromRow(r);
    });
  let rows = await known();
  const have = new Set(rows.map((r) => r.providerAccountId));
  const missing = list.filter((a) => !have.has(a.externalId));
  for (const a of missing) {
    const now = svc.clock.now();
    const row: AccountRow = {
      id: newId("acc", now), spaceId: conn.space_id, name: truncateText(a.name, 120), type: a.type, subtype: a.subtype, currency: a.currency,
      provider: conn.provider, providerAccountId: a.externalId, institutionName: conn.institution_name, accountNumberMask: a.mask ? `****${a.mask.slice(-4)}` : null,
      routingNumberMask: null, isActive: true, allowOverdraft: true, lastSyncedAt: null, disconnectedAt: null, transactionCount: 0, createdAt: now, updatedAt: now,
    };
    const key = `provider-account:${conn.id}:${a.externalId}`;
    const { returns } = await runLedger(svc, {
      kind: "commit", spaceId: conn.space_id, txs: [], effects: [{ kind: "insertAccount", row }],
      idempotency: { key, fingerprint: key }, returns: { accountId: row.id },
    });
    await db
      .prepare("INSERT OR IGNORE INTO provider_accounts (account_id, connection_id, space_id, provider_account_id, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(returns.accountId as string, conn.id, conn.space_id, a.externalId, now)
      .run();
  }
  if (missing.length) {
    // A cached forecast lists the space's accounts: one computed before these is not served after them.
    await bumpForecastEpoch(db, conn.space_id).run();
    rows = await known();
  }
  return { byExt: new Map(rows.map((r) => [r.providerAccountId!, r])), predecessors };
}

export function accountFromRow(r: Record<string, unknown>): AccountRow {
  return {
    id: r.id as string, spaceId: r.space_id as string, name: r.name as string, type: r.type as string, subtype: r.subtype as string | null,
    currency: r.currency as string, provider: r.provider as string, providerAccountId: r.provider_account_id as string | null,
    institutionName: r.institution_name as string | null, accountNumberMask: r.account_number_mask as string | null,
    routingNumberMask: r.routing_number_mask as string | null, isActive: r.is_active === 1, allowOverdraft: r.allow_overdraft === 1,
    lastSyncedAt: r.last_synced_at as number | null, disconnectedAt: r.disconnected_at as number | null,
    transactionCount: r.transaction_count as number, createdAt: r.created_at as number, updatedAt: r.updated_at as number,
  };
}
