/**
 * DeFi wallets and positions. A wallet is an EVM address (EIP-55) in a
 * space; a sync asks Zapper for its positions and stores them keyed by the
 * provider's position key, so syncing twice changes nothing but the sync
 * time: positions are upserted, positions the provider no longer reports are
 * removed, and each position exists once. Each value a position held is kept
 * (`defi_position_values`, at most a point a day: the day's last sync that
 * changed it wins) for net worth at past instants. Values are the provider's USD
 * figures (exact decimals); the unrealized gain is measured against the value
 * first seen. A wallet sync also refreshes its gaming positions.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { logError } from "../../lib/log";
import { sendAll } from "../../lib/queues";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { DEFI_SYNC_LIMITS, takeInTurn } from "../../lib/rate-limits";
import { dayPointAt, historyDayStart, latestValue, notSuperseded } from "../../lib/value-history";
import { decimalToMinor, minorToDecimal } from "../prices/decimal";
import { batchAsMember, memberAtLeastSql, readResource, readSpace, requireSpaceRole, syncBatchFor } from "../spaces/access";
import { syncGamingWallet } from "../gaming/service";
import { checkAddress } from "./address";
import { fetchAppBalances, type DefiNetwork, type PositionToken } from "./client";
import { positionId, walletId } from "./ids";

export const DEFAULT_NETWORKS: DefiNetwork[] = ["ethereum", "polygon", "arbitrum"];
/**
 * Wallets one space may connect. A wallet's sync makes one DeFi and five gaming calls, and POST /v1/defi/sync
 * syncs every wallet of the space in one request: 25 keep it at 150 calls, far inside a Worker's 1,000
 * subrequests an invocation (it was unbounded: 200 wallets were 1,200 calls).
 */
export const MAX_WALLETS_PER_SPACE = 25;
/** The queue message that syncs one wallet (the daily cron sends one a wallet, so no invocation syncs them all). */
export const DEFI_WALLET_SYNC = "defi.wallet.sync";
/** A sync older than this makes a position's value stale. */
export const DEFI_STALE_AFTER_MS = 86_400_000;

export interface WalletRow {
  id: string;
  space_id: string;
  address: string;
  label: string;
  networks: string;
  created_at: number;
  last_synced_at: number | null;
  last_sync_status: string | null;
  last_sync_error: string | null;
}

interface PositionRow {
  id: string;
  wallet_id: string;
  position_key: string;
  protocol: string;
  network: string;
  type: string;
  label: string;
  tokens: string;
  total_value_usd: string;
  baseline_value_usd: string;
  apy: string | null;
  first_seen_at: number;
  synced_at: number;
}

const cents = (decimal: string) => decimalToMinor(decimal, 2);
const usd = (minor: bigint) => minorToDecimal(minor, 2);

export function presentWallet(w: WalletRow) {
  return {
    id: w.id,
    spaceId: w.space_id,
    address: w.address,
    label: w.label,
    networks: JSON.parse(w.networks) as string[],
    createdAt: iso(w.created_at),
    lastSyncedAt: w.last_synced_at === null ? null : iso(w.last_synced_at),
    lastSyncStatus: (w.last_sync_status as "ok" | "failed" | null) ?? null,
    lastSyncError: w.last_sync_error,
  };
}

export interface WalletSyncResult {
  walletId: string;
  status: "ok" | "failed";
  positions: number;
  gamingPlatforms: number;
  error: string | null;
}

/**
 * Syncs one wallet's DeFi positions (and gaming positions). Never throws for a provider failure: it is recorded.
 * `by`: the member whose request syncs it (none for the cron's), whose access its writes are checked against.
 */
export async function syncWallet(svc: Services, w: WalletRow, by?: AuthContext): Promise<WalletSyncResult> {
  const now = svc.clock.now();
  const db = svc.env.DB;
  // The value history keeps a point a position a day of the space's (lib/value-history).
  const space = await db.prepare("SELECT timezone FROM spaces WHERE id = ?").bind(w.space_id).first<{ timezone: string }>();
  const syncGaming = () => syncGamingWallet(svc, { id: w.id, spaceId: w.space_id, address: w.address, timezone: space?.timezone ?? "UTC" }, now, by);
  let answer;
  try {
    answer = await fetchAppBalances(svc.env, w.address, JSON.parse(w.networks) as string[]);
  } catch (err) {
    logError(undefined, "defi.sync_failed", err, { walletId: w.id });
    const message = err instanceof Error ? err.message.slice(0, 200) : "Sync failed";
    await syncBatchFor(svc, w.space_id, by, [db.prepare("UPDATE defi_wallets SET last_sync_status = 'failed', last_sync_error = ?, updated_at = ? WHERE id = ?").bind(message, now, w.id)]);
    // The gaming platforms are another provider's: Zapper being down does not leave them unsynced.
    return { walletId: w.id, status: "failed", positions: 0, gamingPlatforms: await syncGaming(), error: message };
  }
  // One position per key even if the provider repeats one.
  const byKey = new Map(answer.positions.map((p) => [p.positionKey, p]));
  const ids = await Promise.all([...byKey.keys()].map((k) => positionId(w.id, k)));
  const dayStart = historyDayStart(now, space?.timezone ?? "UTC");
  // Every write is skipped if a later sync of the wallet has written (notSuperseded): two racing syncs converge.
  const current = notSuperseded("?3", "?14");
  const statements = [...byKey.values()].map((p, i) =>
    db
      .prepare(
        `INSERT INTO defi_positions (id, space_id, wallet_id, position_key, protocol, network, type, label, tokens, total_value_usd, baseline_value_usd, apy, first_seen_at, synced_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14 WHERE ${current}
         ON CONFLICT (wallet_id, position_key) DO UPDATE SET protocol = excluded.protocol, network = excluded.network, type = excluded.type,
           label = excluded.label, tokens = excluded.tokens, total_value_usd = excluded.total_value_usd, apy = excluded.apy, synced_at = excluded.synced_at`,
      )
      .bind(ids[i], w.space_id, w.id, p.positionKey, p.protocol, p.network, p.type, p.label, JSON.stringify(p.tokens), p.totalValueUsd, p.totalValueUsd, p.apy, now, now),
  );
  // The keys the answer still names: its readable positions, and those it names without a readable value, which
  // keep their stored rows and values (an unreadable figure is not a closed position) until an answer reads them.
  const keys = jsonList([...new Set([...byKey.keys(), ...answer.unreadableKeys])]);
  const match = "v.position_id = p.id";
  const latest = notSuperseded("?2", "?1");
  statements.push(
    // The value history (net worth at past instants reads it): where a position's value changed, or it is new, the
    // day's point takes the value (written now if the day has none yet); a position this sync no longer saw gets
    // none from the day's point on (the day's last answer counts for the whole day, not after). The last sync wins.
    db.prepare(
      `INSERT INTO defi_position_values (position_id, space_id, wallet_id, synced_at, value_usd)
       SELECT p.id, p.space_id, p.wallet_id, ${dayPointAt("defi_position_values", match, "?4", "?1")}, p.total_value_usd FROM defi_positions p
        WHERE p.wallet_id = ?2 AND p.position_key IN (SELECT value FROM json_each(?3)) AND ${latest}
          AND ${latestValue("defi_position_values", match)} IS NOT p.total_value_usd
       ON CONFLICT (position_id, synced_at) DO UPDATE SET value_usd = excluded.value_usd`,
    ).bind(now, w.id, keys, dayStart),
    db.prepare(
      `INSERT INTO defi_position_values (position_id, space_id, wallet_id, synced_at, value_usd)
       SELECT p.id, p.space_id, p.wallet_id, ${dayPointAt("defi_position_values", match, "?4", "?1")}, NULL FROM defi_positions p
        WHERE p.wallet_id = ?2 AND p.position_key NOT IN (SELECT value FROM json_each(?3)) AND ${latest}
       ON CONFLICT (position_id, synced_at) DO UPDATE SET value_usd = NULL`,
    ).bind(now, w.id, keys, dayStart),
    db.prepare(`DELETE FROM defi_positions WHERE wallet_id = ?2 AND position_key NOT IN (SELECT value FROM json_each(?3)) AND ${latest}`).bind(now, w.id, keys),
    db.prepare(`UPDATE defi_wallets SET last_synced_at = ?1, last_sync_status = 'ok', last_sync_error = NULL, updated_at = ?1 WHERE id = ?2 AND ${latest}`).bind(now, w.id),
    // A wallet disconnected while its provider call was under way: this batch must leave none of its rows.
    db.prepare("DELETE FROM defi_positions WHERE wallet_id = ?1 AND NOT EXISTS (SELECT 1 FROM defi_wallets WHERE id = ?1)").bind(w.id),
    db.prepare("DELETE FROM defi_position_values WHERE wallet_id = ?1 AND NOT EXISTS (SELECT 1 FROM defi_wallets WHERE id = ?1)").bind(w.id),
  );
  // A member's sync (`by`) writes only while they may still write in the live space (a deletion, removal or demotion
  // meanwhile writes nothing and is answered as a request after it); the cron's only while the space is live.
  if ((await syncBatchFor(svc, w.space_id, by, statements)) === null) {
    return { walletId: w.id, status: "failed", positions: 0, gamingPlatforms: 0, error: "The wallet's space was deleted during its sync" };
  }
  return { walletId: w.id, status: "ok", positions: byKey.size, gamingPlatforms: await syncGaming(), error: null };
}

export async function addWallet(
  svc: Services,
  auth: AuthContext,
  input: { spaceId: string; address: string; label?: string; networks?: DefiNetwork[] },
) {
  await requireSpaceRole(svc, auth, input.spaceId, "member");
  const checked = checkAddress(input.address);
  if (!checked.ok) throw validationFailed([{ field: "address", message: checked.reason, code: "INVALID_ADDRESS" }]);
  await takeUserSync(svc, auth);
  const now = svc.clock.now();
  const networks = [...new Set(input.networks && input.networks.length ? input.networks : DEFAULT_NETWORKS)];
  const row: WalletRow = {
    id: walletId(now), space_id: input.spaceId, address: checked.address, label: input.label?.trim() || "Wallet", networks: JSON.stringify(networks),
    created_at: now, last_synced_at: null, last_sync_status: null, last_sync_error: null,
  };
  // The count and the insert in one statement: two requests at once cannot both take the last place.
  const res = await svc.env.DB.prepare(
    `INSERT OR IGNORE INTO defi_wallets (id, space_id, address, label, networks, created_by, created_at, updated_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7 WHERE (SELECT COUNT(*) FROM defi_wallets WHERE space_id = ?2) < ?8
       -- And only while the caller may still write in the live space: one deleted meanwhile keeps no wallet.
       AND ${memberAtLeastSql("?2", "?6", "member")}`,
  ).bind(row.id, row.space_id, row.address, row.label, row.networks, auth.userId, now, MAX_WALLETS_PER_SPACE).run();
  if (res.meta.changes !== 1) {
    // Kept out by the space's deletion or the caller's loss of the role: answered as a request made after it.
    await requireSpaceRole(svc, auth, input.spaceId, "member");
    const duplicate = await svc.env.DB.prepare("SELECT 1 FROM defi_wallets WHERE space_id = ? AND address = ?").bind(row.space_id, row.address).first();
    if (duplicate) throw conflict("This wallet is already connected to the space", "DUPLICATE_RESOURCE");
    throw validationFailed([{ field: "spaceId", message: `A space may connect at most ${MAX_WALLETS_PER_SPACE} wallets`, code: "LIMIT_REACHED" }]);
  }
  let sync: WalletSyncResult;
  try {
    sync = await syncWallet(svc, row, auth);
  } catch (err) {
    // Its sync refused by the caller's guard (the space deleted, the caller removed or demoted since the insert): the
    // wallet goes too, so the 404 or 403 answers for a request that left nothing, as one made after it would.
    await svc.env.DB.batch(walletRemoval(svc.env.DB, row.id));
    throw err;
  }
  const stored = await svc.env.DB.prepare("SELECT * FROM defi_wallets WHERE id = ?").bind(row.id).first<WalletRow>();
  return { wallet: presentWallet(stored ?? row), sync };
}

/**
 * DELETE /v1/defi/wallets/{walletId}: the wallet and everything synced from it (DeFi positions, gaming
 * positions and earnings, their value histories) in one batch, so a space at its wallet cap can make room again.
 */
export async function deleteWallet(svc: Services, auth: AuthContext, walletId: string): Promise<void> {
  const { row } = await readResource(svc, auth, "defi_wallets", walletId, "Wallet", "member");
  const db = svc.env.DB;
  // Only while the caller may still write in the live space (batchAsMember: a deletion or removal meanwhile is the
  // wallet's 404, a demotion the 403, as a request after it would be).
  await batchAsMember(svc, auth, row.space_id as string, "member", walletRemoval(db, walletId), { resource: "Wallet" });
}

/** A wallet and everything synced from it (DeFi positions, gaming positions and earnings, their value histories). */
const walletRemoval = (db: D1Database, walletId: string) => [
  db.prepare("DELETE FROM gaming_earnings WHERE wallet_id = ?").bind(walletId),
  db.prepare("DELETE FROM gaming_positions WHERE wallet_id = ?").bind(walletId),
  db.prepare("DELETE FROM gaming_position_values WHERE wallet_id = ?").bind(walletId),
  db.prepare("DELETE FROM defi_positions WHERE wallet_id = ?").bind(walletId),
  db.prepare("DELETE FROM defi_position_values WHERE wallet_id = ?").bind(walletId),
  db.prepare("DELETE FROM defi_wallets WHERE id = ?").bind(walletId),
];

async function walletsOf(svc: Services, spaceId: string, ids?: string[]): Promise<WalletRow[]> {
  const res = ids
    ? await svc.env.DB.prepare(`SELECT * FROM defi_wallets WHERE space_id = ? AND id ${IN_JSON_LIST} ORDER BY id`).bind(spaceId, jsonList(ids)).all<WalletRow>()
    : await svc.env.DB.prepare("SELECT * FROM defi_wallets WHERE space_id = ? ORDER BY id").bind(spaceId).all<WalletRow>();
  return res.results;
}

/** POST /v1/defi/sync: syncs the named wallets (all of the space's when none are named). */
/** A token a wallet of the caller's DeFi syncs across their spaces (DEFI_SYNC_LIMITS), once they may sync this space. */
const takeUserSync = (svc: Services, auth: AuthContext, wallets = 1) => takeInTurn(
  svc, [[`defi-sync-user:${auth.userId}`, DEFI_SYNC_LIMITS.perUser, wallets]],
  `At most ${DEFI_SYNC_LIMITS.perUser.limit} wallet syncs (or connections) a minute across all your spaces; retry later`,
);

export async function syncSpace(svc: Services, auth: AuthContext, input: { spaceId: string; walletIds?: string[] }) {
  await requireSpaceRole(svc, auth, input.spaceId, "member");
  const ids = input.walletIds ? [...new Set(input.walletIds)] : undefined;
  const wallets = await walletsOf(svc, input.spaceId, ids);
  if (ids && wallets.length !== ids.length) throw notFound("Wallet");
  if (wallets.length) await takeUserSync(svc, auth, wallets.length);
  const results: WalletSyncResult[] = [];
  for (const w of wallets) results.push(await syncWallet(svc, w, auth));
  return { spaceId: input.spaceId, syncedAt: iso(svc.clock.now()), results };
}

/**
 * Cron: one queue message a wallet of every live space, so the syncs spread over queue invocations (each
 * makes a wallet's six provider calls) instead of one invocation running out of subrequests part way, which
 * left the wallets after it (in id order) never synced. Returns the number of messages sent.
 */
export async function enqueueWalletSyncs(svc: Services): Promise<number> {
  const PAGE = 1000;
  let after = "";
  let sent = 0;
  for (;;) {
    const { results } = await svc.env.DB.prepare(
      `SELECT w.id FROM defi_wallets w JOIN spaces s ON s.id = w.space_id WHERE w.id > ? AND s.deleted_at IS NULL ORDER BY w.id LIMIT ${PAGE}`,
    ).bind(after).all<{ id: string }>();
    await sendAll(svc.env.BACKGROUND_QUEUE, results.map((r) => ({ type: DEFI_WALLET_SYNC, walletId: r.id })));
    sent += results.length;
    if (results.length < PAGE) return sent;
    after = results[results.length - 1]!.id;
  }
}

/** The queue's handler: syncs the wallet if it and its space still exist (a provider failure is recorded, not thrown). */
export async function runWalletSync(svc: Services, walletId: string): Promise<void> {
  const w = await svc.env.DB.prepare("SELECT w.* FROM defi_wallets w JOIN spaces s ON s.id = w.space_id WHERE w.id = ? AND s.deleted_at IS NULL")
    .bind(walletId)
    .first<WalletRow>();
  if (w) await syncWallet(svc, w);
}

function presentPosition(p: PositionRow, wallet: WalletRow | undefined, now: number) {
  const tokens = JSON.parse(p.tokens) as PositionToken[];
  const total = cents(p.total_value_usd);
  const gain = total - cents(p.baseline_value_usd);
  return {
    id: p.id,
    walletId: p.wallet_id,
    walletAddress: wallet?.address ?? "",
    protocol: p.protocol,
    network: p.network,
    type: p.type,
    label: p.label,
    tokens: tokens.map((t) => ({
      symbol: t.symbol,
      balance: Number(t.balanceDecimal),
      balanceDecimal: t.balanceDecimal,
      balanceUSD: Number(usd(cents(t.balanceUsdDecimal))),
      balanceUSDDecimal: usd(cents(t.balanceUsdDecimal)),
    })),
    totalValueUSD: Number(usd(total)),
    totalValueUSDDecimal: usd(total),
    unrealizedGain: Number(usd(gain)),
    unrealizedGainDecimal: usd(gain),
    unrealizedGainSince: iso(p.first_seen_at),
    apy: p.apy === null ? null : Number(p.apy),
    apyDecimal: p.apy,
    lastUpdated: iso(p.synced_at),
    stale: now - p.synced_at > DEFI_STALE_AFTER_MS,
  };
}

/** GET /v1/defi/positions */
export async function listPositions(svc: Services, auth: AuthContext, q: { spaceId: string; protocol?: string; network?: string }) {
  const where: string[] = [];
  const binds: string[] = [];
  if (q.protocol) (where.push("AND protocol = ?"), binds.push(q.protocol));
  if (q.network) (where.push("AND network = ?"), binds.push(q.network));
  const db = svc.env.DB;
  const { results: [positions, wallets] } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => [
    db.prepare(`SELECT * FROM defi_positions WHERE space_id = ${space.sql} ${where.join(" ")} ORDER BY protocol, network, label, id`).bind(...space.params, ...binds),
    db.prepare(`SELECT * FROM defi_wallets WHERE space_id = ${space.sql} ORDER BY id`).bind(...space.params),
  ]);
  const walletRows = wallets!.results as WalletRow[];
  const byId = new Map(walletRows.map((w) => [w.id, w]));
  const now = svc.clock.now();
  const rows = (positions!.results as PositionRow[]).map((p) => presentPosition(p, byId.get(p.wallet_id), now));
  const byProtocol = new Map<string, bigint>();
  const byNetwork = new Map<string, bigint>();
  let total = 0n;
  for (const p of rows) {
    const v = cents(p.totalValueUSDDecimal);
    total += v;
    byProtocol.set(p.protocol, (byProtocol.get(p.protocol) ?? 0n) + v);
    byNetwork.set(p.network, (byNetwork.get(p.network) ?? 0n) + v);
  }
  const asNumbers = (m: Map<string, bigint>) => Object.fromEntries([...m].map(([k, v]) => [k, Number(usd(v))]));
  const asDecimals = (m: Map<string, bigint>) => Object.fromEntries([...m].map(([k, v]) => [k, usd(v)]));
  return {
    positions: rows,
    summary: {
      totalValueUSD: Number(usd(total)),
      totalValueUSDDecimal: usd(total),
      byProtocol: asNumbers(byProtocol),
      byProtocolDecimal: asDecimals(byProtocol),
      byNetwork: asNumbers(byNetwork),
      byNetworkDecimal: asDecimals(byNetwork),
      stale: rows.some((r) => r.stale),
    },
    wallets: walletRows.map(presentWallet),
  };
}

