/**
 * Provider connections: one per linked institution (a Plaid item, a Belvo
 * link, a Bitso API key), with a status machine, sealed credentials and the
 * sync bookkeeping. Credentials and tokens are AES-GCM encrypted under
 * ENCRYPTION_KEY before they reach D1, and are never returned or logged.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { decryptSecret, encryptSecret, hmacSha256Hex } from "../../lib/crypto";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { truncateText } from "../../lib/exact-json";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import { runLedger } from "../ledger/client";
import type { Unsupported } from "./left-out";
import { memberAtLeastSql, readSpace, requireRoleOver } from "../spaces/access";
import type { ProviderName } from "../../providers/errors";

export const CONNECTION_STATUSES = ["pending", "active", "error", "reauth_required", "disconnected"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Allowed moves of the status machine (a status may always be re-entered, to refresh its reason). */
export const TRANSITIONS: Record<ConnectionStatus, readonly ConnectionStatus[]> = {
  pending: ["pending", "active", "error", "reauth_required", "disconnected"],
  active: ["active", "error", "reauth_required", "disconnected"],
  error: ["error", "active", "reauth_required", "disconnected"],
  reauth_required: ["reauth_required", "active", "error", "disconnected"],
  disconnected: [],
};

export const canMove = (from: ConnectionStatus, to: ConnectionStatus) => TRANSITIONS[from].includes(to);

export interface ConnectionRow {
  id: string;
  space_id: string;
  provider: ProviderName;
  status: ConnectionStatus;
  external_id: string | null;
  institution_id: string | null;
  institution_name: string | null;
  credentials_enc: string;
  status_reason: string | null;
  sync_cursor: string | null;
  last_sync_at: number | null;
  last_sync_attempt_at: number | null;
  /** JSON of the last completed sync's `Unsupported[]` (left-out.ts); null before one. */
  last_sync_unsupported: string | null;
  next_sync_at: number | null;
  nonce: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  disconnected_at: number | null;
  login_key: string | null;
  /** The provider's own id of the account behind the credentials (Bitso's client id), when it told us. */
  provider_client_id?: string | null;
}

/** Syncs run at most this often unless forced, and the cron re-syncs after it. */
export const SYNC_INTERVAL_MS = 15 * 60_000;
/** The hourly cron syncs connections not synced for this long. */
export const CRON_SYNC_AGE_MS = 6 * 3_600_000;

export async function sealCredentials(env: Env, credentials: Record<string, string>): Promise<string> {
  return encryptSecret(JSON.stringify(credentials), env.ENCRYPTION_KEY);
}

export async function openCredentials<T extends Record<string, string>>(env: Env, row: Pick<ConnectionRow, "credentials_enc">): Promise<T> {
  return JSON.parse(await decryptSecret(row.credentials_enc, env.ENCRYPTION_KEY)) as T;
}

/**
 * What identifies the login behind a connection, keyed with ENCRYPTION_KEY so that the column says nothing
 * about the login to whoever reads the database.
 */
const loginKeyOf = (env: Env, provider: ProviderName, ...parts: string[]) => hmacSha256Hex(env.ENCRYPTION_KEY, JSON.stringify([provider, ...parts]));

/** A Bitso login is its API key. */
export const bitsoLoginKey = (env: Env, apiKey: string) => loginKeyOf(env, "bitso", apiKey);

/**
 * A Belvo login is an institution and a user name (each link Belvo registers has its own id and accounts), the
 * name as banks compare it: compatibility forms, case and surrounding spaces aside.
 */
export const belvoLoginKey = (env: Env, institution: string, username: string) =>
  loginKeyOf(env, "belvo", institution.trim().toLowerCase(), username.normalize("NFKC").trim().toLowerCase());

/**
 * What Plaid says of an account that another Link of the same login would say again: a duplicate item gets new
 * account ids, but its accounts keep their type, currency and last four digits (Plaid's advice for finding
 * duplicate items). The name is left out: users rename accounts here.
 */
export interface PlaidAccountPrint { type: string; subtype: string | null; currency: string; mask: string }
const printOf = (a: PlaidAccountPrint) => JSON.stringify([a.type, a.subtype ?? "", a.currency, a.mask.slice(-4)]);

/** A Plaid login is its institution and its accounts as `PlaidAccountPrint`s. */
export const plaidLoginKey = (env: Env, institution: string, accounts: PlaidAccountPrint[]) =>
  loginKeyOf(env, "plaid", institution, ...accounts.map(printOf).sort());

/**
 * Refuses a Plaid item whose accounts a live connection of the space at the same institution already holds,
 * every one of them: the same login linked again (or a login that adds nothing). Two logins that share an
 * account (a joint one) but each bring their own are both kept.
 */
export async function refuseLinkedPlaidAccounts(svc: Services, spaceId: string, institution: string, accounts: PlaidAccountPrint[]): Promise<void> {
  const { results } = await svc.env.DB.prepare(
    `SELECT pc.id, pc.status, a.type, a.subtype, a.currency, a.account_number_mask AS mask
     FROM provider_connections pc JOIN provider_accounts pa ON pa.connection_id = pc.id JOIN accounts a ON a.id = pa.account_id
     WHERE pc.space_id = ? AND pc.provider = 'plaid' AND pc.institution_id = ? AND pc.status != 'disconnected' AND a.account_number_mask IS NOT NULL`,
  )
    .bind(spaceId, institution)
    .all<{ id: string; status: ConnectionStatus; type: string; subtype: string | null; currency: string; mask: string }>();
  const held = new Map<string, { status: ConnectionStatus; prints: Set<string> }>();
  for (const r of results) {
    const c = held.get(r.id) ?? { status: r.status, prints: new Set<string>() };
    c.prints.add(printOf(r));
    held.set(r.id, c);
  }
  const wanted = accounts.map(printOf);
  for (const [id, c] of held) if (wanted.every((p) => c.prints.has(p))) throw alreadyConnected("plaid", { id, status: c.status });
}

/** The login key of a stored connection, from its sealed credentials: for those made before keys were kept (migration 0029). */
async function storedLoginKey(env: Env, row: Pick<ConnectionRow, "provider" | "institution_id" | "credentials_enc">): Promise<string | null> {
  // Credentials that do not open (sealed under a key since rotated) name no login: nothing to compare, and no 500.
  const c = await openCredentials<{ apiKey?: string; username?: string }>(env, row).catch(() => ({}) as { apiKey?: string; username?: string });
  if (row.provider === "bitso" && c.apiKey) return bitsoLoginKey(env, c.apiKey);
  if (row.provider === "belvo" && c.username && row.institution_id) return belvoLoginKey(env, row.institution_id, c.username);
  return null;
}

/**
 * Refuses a login the space already has a live connection of: connected twice, every account, trade and
 * balance would count twice (and two Bitso connections of one key would race its nonces). A connection that
 * needs its login again is repaired (Plaid's update mode) or disconnected first; connecting anew would not
 * bring its accounts back. A live connection without a key yet (made before keys were kept) gets it here.
 */
export async function refuseConnectedLogin(svc: Services, spaceId: string, provider: ProviderName, loginKey: string): Promise<void> {
  const db = svc.env.DB;
  const { results: live } = await db.prepare("SELECT id, status, provider, institution_id, credentials_enc, login_key FROM provider_connections WHERE space_id = ? AND provider = ? AND status != 'disconnected'")
    .bind(spaceId, provider)
    .all<Pick<ConnectionRow, "id" | "status" | "provider" | "institution_id" | "credentials_enc" | "login_key">>();
  const keyless = live.filter((c) => c.login_key === null);
  for (const c of keyless) c.login_key = await storedLoginKey(svc.env, c);
  const found = keyless.filter((c) => c.login_key !== null);
  if (found.length) {
    await db.batch(found.map((c) => db.prepare("UPDATE provider_connections SET login_key = ? WHERE id = ? AND login_key IS NULL").bind(c.login_key, c.id)));
  }
  const same = live.find((c) => c.login_key === loginKey);
  if (same) throw alreadyConnected(provider, same);
}

/**
 * What tells two connections of one provider apart as the same login: its `login_key`, or the account the provider
 * says is behind the credentials (`provider_client_id`: Bitso's client id, the same for every API key of one account).
 */
export type ConnectionIdentity = "login_key" | "provider_client_id";
const IDENTITY_NOUN: Record<ConnectionIdentity, string> = { login_key: "login", provider_client_id: "account" };

/** SQL: the space's live connections of a provider holding a value (space, provider and value bound in that order). */
const sameLive = (column: ConnectionIdentity) => `space_id = ? AND provider = ? AND ${column} = ? AND status != 'disconnected'`;

function alreadyConnected(provider: ProviderName, live: { id: string; status: ConnectionStatus } | null, column: ConnectionIdentity = "login_key") {
  const name = provider[0]!.toUpperCase() + provider.slice(1);
  const advice = !live || live.status === "active" || live.status === "pending"
    ? ""
    : provider === "plaid"
      ? ` It needs attention (${live.status}): repair it in Link's update mode (POST /v1/providers/plaid/link-token with its connectionId).`
      : provider === "belvo"
        ? ` It needs attention (${live.status}): repair it with the new password (POST /v1/providers/belvo/repair with its connectionId).`
        : ` It needs attention (${live.status}): disconnect it (DELETE /v1/providers/connections/${live.id}) before connecting again.`;
  return conflict(`This ${name} ${IDENTITY_NOUN[column]} is already connected in this space${live ? ` (connection ${live.id})` : ""}.${advice}`, "DUPLICATE_RESOURCE");
}

export async function createConnection(
  svc: Services,
  input: {
    spaceId: string; provider: ProviderName; status: ConnectionStatus; externalId: string | null; institutionId?: string | null;
    institutionName?: string | null; credentials: Record<string, string>; createdBy: string; loginKey?: string | null;
  },
): Promise<ConnectionRow> {
  const now = svc.clock.now();
  const row: ConnectionRow = {
    id: newId("con", now), space_id: input.spaceId, provider: input.provider, status: input.status, external_id: input.externalId,
    institution_id: input.institutionId ?? null, institution_name: input.institutionName ?? null,
    credentials_enc: await sealCredentials(svc.env, input.credentials), status_reason: null, sync_cursor: null, last_sync_at: null,
    last_sync_attempt_at: null, last_sync_unsupported: null, next_sync_at: now, nonce: 0, created_by: input.createdBy, created_at: now, updated_at: now, disconnected_at: null,
    login_key: input.loginKey ?? null,
  };
  // Inserted only while no live connection of the same login exists (two connects of one login at once cannot both
  // pass refuseConnectedLogin's look), and while its creator is still an admin of the live space: a connect the
  // space's deletion overtook left an active connection, its credentials and accounts in the deleted space, which
  // the deletion had not seen and so never retired (review of QA 12-F's fixes).
  const res = await svc.env.DB.prepare(
    `INSERT INTO provider_connections (id, space_id, provider, status, external_id, institution_id, institution_name, credentials_enc, next_sync_at, created_by, created_at, updated_at, login_key)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
     WHERE (? IS NULL OR NOT EXISTS (SELECT 1 FROM provider_connections WHERE ${sameLive("login_key")})) AND ${memberAtLeastSql("?", "?", "admin")}`,
  )
    .bind(
      row.id, row.space_id, row.provider, row.status, row.external_id, row.institution_id, row.institution_name, row.credentials_enc, row.next_sync_at, row.created_by, now, now, row.login_key,
      row.login_key, row.space_id, row.provider, row.login_key, row.space_id, row.created_by,
    )
    .run();
  if (res.meta.changes === 0) {
    // The space gone or the role lost answers as a request made after it (404, 403); else the same login won. Either
    // way the caller removes what it made at the provider (plaid.ts, belvo.ts).
    const access = await svc.env.DB.prepare(`SELECT ${memberAtLeastSql("?1", "?2", "viewer")} AS member, ${memberAtLeastSql("?1", "?2", "admin")} AS admin`)
      .bind(row.space_id, row.created_by).first<{ member: number; admin: number }>();
    if (!access?.member) throw notFound("Space");
    if (!access.admin) throw forbidden();
    throw alreadyConnected(input.provider, null);
  }
  return row;
}

/**
 * Gives a connection its login key, or the provider's account id, once known (a Plaid item whose accounts were first
 * read after it was linked; a Bitso key's client id, read at connect), in one statement that matches only while no
 * other live connection of the space holds that value: two such connections synced or connected at once cannot both
 * take it. The one that finds it held gets the connect's 409, naming the holder.
 * `updated_at` stays: setStatus reads it to tell a reauth_required announced during the sync.
 */
export async function claimIdentity(svc: Services, conn: Pick<ConnectionRow, "id" | "space_id" | "provider">, column: ConnectionIdentity, value: string): Promise<void> {
  const db = svc.env.DB;
  const others = `SELECT id, status FROM provider_connections WHERE ${sameLive(column)} AND id != ?`;
  const res = await db.prepare(`UPDATE provider_connections SET ${column} = ? WHERE id = ? AND NOT EXISTS (${others})`)
    .bind(value, conn.id, conn.space_id, conn.provider, value, conn.id)
    .run();
  if (res.meta.changes > 0) return;
  const holder = await db.prepare(`${others} ORDER BY created_at, id LIMIT 1`).bind(conn.space_id, conn.provider, value, conn.id).first<{ id: string; status: ConnectionStatus }>();
  throw alreadyConnected(conn.provider, holder, column);
}

/** A sync's connection is a second link of a login or account the space has: it was disconnected, and imports nothing. */
export class LoginRefused extends Error {}

/**
 * At a sync of `conn`, which holds `value` in `column`: of the space's live connections holding it (the same login
 * linked twice, before the connect could compare them), one is kept (the oldest active one, else the oldest) and the
 * others are retired, with the connect's 409 message naming the kept one and `outcome`. Each retirement is one
 * statement that matches only while the kept connection is still live, so two syncs at once, even ones that chose
 * differently, keep one.
 * Throws LoginRefused when `conn` is retired (by this sync or another's): it imports nothing more. A `pending` twin
 * (a connect in flight, creating its accounts) is left to its own first sync.
 */
export async function keepOneConnection(
  svc: Services, conn: Pick<ConnectionRow, "id" | "space_id" | "provider">, column: ConnectionIdentity, value: string, outcome: string,
): Promise<void> {
  const { results } = await svc.env.DB.prepare(
    // A working connection first, then the oldest: one in error (a revoked key) holds no history after it failed,
    // and the retired twin's history is left out as the kept one's (lib/relinks.ts, `replaced_by`).
    `SELECT id, status, status_reason FROM provider_connections WHERE space_id = ? AND provider = ? AND ${column} = ? AND (status != 'disconnected' OR id = ?)
      ORDER BY status = 'active' DESC, created_at, id`,
  )
    .bind(conn.space_id, conn.provider, value, conn.id)
    .all<{ id: string; status: ConnectionStatus; status_reason: string | null }>();
  const refused = async () => {
    const now = await getConnection(svc, conn.id);
    if (!now || now.status === "disconnected") {
      if (now) await settleRetired(svc, now.id);
      throw new LoginRefused(now?.status_reason ?? "The connection was disconnected");
    }
  };
  const self = results.find((r) => r.id === conn.id);
  if (!self) return;
  if (self.status === "disconnected") return refused();
  const [kept, ...twins] = results.filter((r) => r.status !== "disconnected");
  if (kept!.id === conn.id && twins.length === 0) return;
  const reason = `${alreadyConnected(conn.provider, kept!, column).message} ${outcome}`;
  for (const twin of twins) {
    if (twin.id === conn.id || twin.status !== "pending") await retireConnection(svc, twin.id, reason, { whileLive: kept!.id });
  }
  // Retired here, or by a twin's sync at the same time (this one's retirement then matched nothing).
  if (kept!.id !== conn.id) return refused();
}

export async function getConnection(svc: Services, id: string): Promise<ConnectionRow | null> {
  return svc.env.DB.prepare("SELECT * FROM provider_connections WHERE id = ?").bind(id).first<ConnectionRow>();
}

export async function connectionByExternalId(svc: Services, provider: ProviderName, externalId: string): Promise<ConnectionRow | null> {
  // A connection of a deleted space is nobody's (deleteSpace disconnects them; this holds for any it did not).
  return svc.env.DB.prepare(
    `SELECT c.* FROM provider_connections c JOIN spaces s ON s.id = c.space_id AND s.deleted_at IS NULL
      WHERE c.provider = ? AND c.external_id = ? AND c.status != 'disconnected' ORDER BY c.created_at DESC LIMIT 1`,
  )
    .bind(provider, externalId)
    .first<ConnectionRow>();
}

/**
 * Whether a live (not disconnected) connection holds the provider's item `externalId`: one probe of
 * provider_connections_external_idx, cheap enough to run for any caller before an unauthenticated webhook
 * may spend anything (plaid.ts).
 */
export async function hasLiveConnection(svc: Services, provider: ProviderName, externalId: string): Promise<boolean> {
  const row = await svc.env.DB.prepare("SELECT 1 AS live FROM provider_connections WHERE provider = ? AND external_id = ? AND status != 'disconnected' LIMIT 1")
    .bind(provider, externalId)
    .first<{ live: number }>();
  return row !== null;
}

/**
 * Moves a connection along the status machine, atomically: the UPDATE only
 * matches while the current status may move to `to`. Returns false when it may not.
 */
export async function setStatus(
  svc: Services, id: string, to: ConnectionStatus, reason: string | null,
  /**
   * `syncStartedAt`: a sync's own success, which does not undo a reauth_required the provider announced while it ran.
   * `whileLive`: moved only while that other connection is not disconnected (a twin retired in favour of it), which
   * the same statement records as what replaced it (`replaced_by`: lib/relinks.ts), so no crash can leave one without the other.
   * `unsupported`: what that sync could not import (left-out.ts), kept as the connection's until the next one's.
   * A sync's success (`syncStartedAt`) keeps a provider's warning (setNotice) until its time, or shows it again after
   * an error (which keeps it meanwhile, its own reason shown); any other move ends it.
   */
  extra: { syncedAt?: number; syncStartedAt?: number; whileLive?: string; unsupported?: Unsupported[] } = {},
): Promise<boolean> {
  const from = CONNECTION_STATUSES.filter((s) => canMove(s, to));
  if (from.length === 0) return false;
  const now = svc.clock.now();
  // Every CASE reads the row as it was (SQLite evaluates every SET expression before assigning any). A notice from
  // before its text was kept apart (migration 0051) is its active connection's reason.
  const keepsNotice = `(? = 'active' AND ? IS NOT NULL AND notice_until > ? AND (status = 'active' OR (status = 'error' AND notice_reason IS NOT NULL)))`;
  const keeps = [to, extra.syncStartedAt ?? null, now];
  const res = await svc.env.DB.prepare(
    `UPDATE provider_connections SET status = ?, status_reason = CASE WHEN ${keepsNotice} THEN COALESCE(notice_reason, status_reason) ELSE ? END,
       notice_until = CASE WHEN ? = 'error' OR ${keepsNotice} THEN notice_until ELSE NULL END,
       notice_reason = CASE WHEN ? = 'error' OR ${keepsNotice} THEN notice_reason ELSE NULL END, updated_at = ?,
       last_sync_at = COALESCE(?, last_sync_at), disconnected_at = CASE WHEN ? = 'disconnected' THEN ? ELSE disconnected_at END,
       replaced_by = COALESCE(?, replaced_by), last_sync_unsupported = COALESCE(?, last_sync_unsupported)
     WHERE id = ? AND status ${IN_JSON_LIST} AND NOT (status = 'reauth_required' AND updated_at >= ?)
       AND (? IS NULL OR EXISTS (SELECT 1 FROM provider_connections k WHERE k.id = ? AND k.status != 'disconnected'))`,
  )
    .bind(
      to, ...keeps, reason === null ? null : truncateText(reason, 500), to, ...keeps, to, ...keeps, now, extra.syncedAt ?? null, to, now, extra.whileLive ?? null,
      extra.unsupported === undefined ? null : JSON.stringify(extra.unsupported), id, jsonList(from), extra.syncStartedAt ?? Number.MAX_SAFE_INTEGER,
      extra.whileLive ?? null, extra.whileLive ?? null,
    )
    .run();
  return res.meta.changes > 0;
}

/**
 * A provider's warning on a connection that still works (Plaid: its access ends at `until` unless the user renews it
 * in Link's update mode): shown as its status reason, which its syncs keep until then, while it stays active and keeps
 * syncing. One in error (a passing outage: Plaid sends the warning once) keeps its error as the reason and shows the
 * warning from its next success. Nothing changes for one waiting for its login or disconnected (its reason says more).
 */
export async function setNotice(svc: Services, id: string, reason: string, until: number): Promise<boolean> {
  const text = truncateText(reason, 500);
  const res = await svc.env.DB.prepare(
    `UPDATE provider_connections SET status_reason = CASE WHEN status = 'active' THEN ? ELSE status_reason END,
       notice_reason = ?, notice_until = ?, updated_at = ? WHERE id = ? AND status IN ('active', 'error')`,
  )
    .bind(text, text, until, svc.clock.now(), id)
    .run();
  return res.meta.changes > 0;
}

/** SQL of the linked account ids of the connections `where` selects (the rows of provider_accounts). */
const accountIdsSql = (where: string) => `SELECT connection_id, account_id FROM provider_accounts WHERE ${where} ORDER BY created_at, account_id`;

/** Account ids by connection, in the order accountIdsSql reads them. */
function accountIdsByConnection(rows: { connection_id: string; account_id: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.connection_id, [...(out.get(r.connection_id) ?? []), r.account_id]);
  return out;
}

export async function connectionAccountIds(svc: Services, connectionIds: string[]): Promise<Map<string, string[]>> {
  if (connectionIds.length === 0) return new Map();
  const rows = await svc.env.DB.prepare(accountIdsSql(`connection_id ${IN_JSON_LIST}`)).bind(jsonList(connectionIds)).all<{ connection_id: string; account_id: string }>();
  return accountIdsByConnection(rows.results);
}

/** The public view of a connection: never its credentials, tokens or cursor. */
export function presentConnection(row: ConnectionRow, accountIds: string[]) {
  return {
    id: row.id,
    spaceId: row.space_id,
    provider: row.provider,
    status: row.status,
    statusReason: row.status_reason,
    institution: row.institution_id || row.institution_name ? { id: row.institution_id, name: row.institution_name } : null,
    accountIds,
    lastSyncedAt: row.last_sync_at === null ? null : iso(row.last_sync_at),
    unsupported: row.last_sync_unsupported ? (JSON.parse(row.last_sync_unsupported) as Unsupported[]) : [],
    nextSyncAt: row.next_sync_at === null || row.status === "disconnected" ? null : iso(row.next_sync_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    disconnectedAt: row.disconnected_at === null ? null : iso(row.disconnected_at),
  };
}

export type PresentedConnection = ReturnType<typeof presentConnection>;

/** The space's connections and their accounts, in the round trip that checks the caller (the accounts keyed by the space's connections). */
export async function listConnections(svc: Services, auth: AuthContext, spaceId: string) {
  const db = svc.env.DB;
  const { results: [connections, accounts] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    db.prepare(`SELECT * FROM provider_connections WHERE space_id = ${space.sql} ORDER BY created_at DESC, id`).bind(...space.params),
    db.prepare(accountIdsSql(`connection_id IN (SELECT id FROM provider_connections WHERE space_id = ${space.sql})`)).bind(...space.params),
  ]);
  const byConnection = accountIdsByConnection(accounts!.results as { connection_id: string; account_id: string }[]);
  return { connections: (connections!.results as unknown as ConnectionRow[]).map((r) => presentConnection(r, byConnection.get(r.id) ?? [])) };
}

/**
 * Moves a connection to `disconnected` with the reason (only while `whileLive`, when given, is live, and then naming
 * it as what replaced it, `replaced_by`: setStatus); its credentials and cursor, no longer needed, are overwritten, and its
 * accounts stop taking entries (inactive from now on; their history and balances stay, except what a twin that
 * replaced it holds too: lib/relinks.ts). False when the connection did not move.
 */
export async function retireConnection(svc: Services, id: string, reason: string, opts: { whileLive?: string } = {}): Promise<boolean> {
  if (!(await setStatus(svc, id, "disconnected", reason, { whileLive: opts.whileLive }))) return false;
  await settleRetired(svc, id);
  return true;
}

/**
 * The statusReason of a deleted space's connection whose removal at its provider (a Plaid item, a Belvo link) has not
 * succeeded yet: its credentials stay, sealed, and the hourly cron tries again (remove.ts); then it is `space_deleted`.
 */
export const REMOVAL_PENDING = "space_deleted_removal_pending";

/** The statusReason of a connection a space admin disconnected (DELETE /v1/providers/connections/{id}). */
export const DISCONNECTED_BY_ADMIN = "Disconnected by a space admin";
/**
 * The statusReason of one whose removal at its provider failed at the DELETE: its credentials stay, sealed, and the
 * hourly cron tries again (remove.ts), as for a deleted space's; then it is DISCONNECTED_BY_ADMIN, or, if the provider
 * could not be told within the retry window, DISCONNECT_REMOVAL_GIVEN_UP (its credentials wiped all the same).
 */
export const DISCONNECT_REMOVAL_PENDING = "Disconnected by a space admin; removing the item at the provider failed and is tried again hourly";
export const DISCONNECT_REMOVAL_GIVEN_UP = "Disconnected by a space admin; the provider could not be reached to remove the item";

/** The statusReasons of disconnected connections still to be removed at their provider, and what each becomes after. */
export const PENDING_REMOVALS: Record<string, { removed: string; givenUp: string }> = {
  [REMOVAL_PENDING]: { removed: "space_deleted", givenUp: "space_deleted" },
  [DISCONNECT_REMOVAL_PENDING]: { removed: DISCONNECTED_BY_ADMIN, givenUp: DISCONNECT_REMOVAL_GIVEN_UP },
};

/**
 * What follows a connection's move to `disconnected`: its credentials wiped and its accounts made inactive. Not one
 * D1 write (an account's state lives in its space's ledger object too), so it is idempotent and run again wherever a
 * disconnected connection is met (a second DELETE, a retired twin's next sync): a crash in between is finished there.
 */
export async function settleRetired(svc: Services, id: string): Promise<void> {
  const db = svc.env.DB;
  // A connection not yet removed at its provider keeps them, sealed, for the hourly retry (remove.ts).
  await db.prepare(`UPDATE provider_connections SET credentials_enc = ?, sync_cursor = NULL WHERE id = ? AND NOT COALESCE(status_reason ${IN_JSON_LIST}, 0)`)
    .bind(await sealCredentials(svc.env, {}), id, jsonList(Object.keys(PENDING_REMOVALS))).run();
  const { results: active } = await db.prepare(
    "SELECT a.id, a.space_id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.is_active = 1",
  )
    .bind(id)
    .all<{ id: string; space_id: string }>();
  for (const a of active) await runLedger(svc, { kind: "updateAccount", spaceId: a.space_id, accountId: a.id, set: { isActive: false } });
  if (active.length) {
    await db.batch([
      db.prepare(`UPDATE accounts SET disconnected_at = ? WHERE disconnected_at IS NULL AND id ${IN_JSON_LIST}`).bind(svc.clock.now(), jsonList(active.map((a) => a.id))),
      // The forecast projects nothing of an inactive account: a cached one still shows these (as deactivating does).
      bumpForecastEpoch(db, active[0]!.space_id),
    ]);
  }
}

/** Disconnections finished per hourly run (each is a few writes per account). */
const SETTLES_PER_RUN = 50;

/**
 * Hourly: finishes disconnections a crash stopped after the status moved and that nothing met again (settleRetired),
 * so a connection the user disconnected does not keep its accounts counting for good. Such a connection still has
 * an active account untouched since the disconnection; one an admin made active again afterwards (to keep writing
 * on it by hand) was updated after it, and is left as the admin set it.
 */
export async function settleInterruptedRetirements(svc: Services): Promise<number> {
  const { results } = await svc.env.DB.prepare(
    `SELECT DISTINCT pc.id FROM provider_connections pc
       JOIN provider_accounts pa ON pa.connection_id = pc.id JOIN accounts a ON a.id = pa.account_id
      WHERE pc.status = 'disconnected' AND a.is_active = 1 AND a.updated_at <= pc.disconnected_at
      LIMIT ${SETTLES_PER_RUN}`,
  ).all<{ id: string }>();
  for (const r of results) await settleRetired(svc, r.id);
  return results.length;
}

/**
 * Disconnects: the status becomes `disconnected` (no more syncs), the
 * provider's item is removed where the provider supports it, and the
 * connection's accounts stop taking entries; their history and balances stay.
 */
export async function disconnectConnection(
  svc: Services,
  auth: AuthContext,
  id: string,
  removeAtProvider: (row: ConnectionRow) => Promise<void>,
) {
  const row = await getConnection(svc, id);
  if (!row) throw notFound("Connection");
  await requireRoleOver(svc, auth, row.space_id, "admin", "Connection");
  if (row.status === "disconnected") {
    await settleRetired(svc, id);
    throw conflict("Connection is already disconnected");
  }
  let providerRemoved = true;
  try {
    await removeAtProvider(row);
  } catch {
    // The local disconnect stands even if the provider cannot be told now; the report says so.
    providerRemoved = false;
  }
  // One the provider could not be told of keeps its credentials, sealed, for the hourly retry (remove.ts): wiping them
  // now would leave the item linked to the user's bank at the provider for good, with nothing here able to remove it.
  await retireConnection(svc, id, providerRemoved ? DISCONNECTED_BY_ADMIN : DISCONNECT_REMOVAL_PENDING);
  const accountIds = (await connectionAccountIds(svc, [id])).get(id) ?? [];
  const after = (await getConnection(svc, id))!;
  return { connection: presentConnection(after, accountIds), providerRemoved };
}
