/** Plaid connections: Link tokens (new and update mode), the public-token exchange, and webhooks. */
import type { AuthContext, Services } from "../../env";
import { ApiError, notFound, validationFailed } from "../../lib/errors";
import { sha256Hex } from "../../lib/crypto";
import { iso } from "../../lib/clock";
import { logInfo } from "../../lib/log";
import { PlaidClient } from "../../providers/plaid/client";
import { normalAccount } from "../../providers/plaid/adapter";
import { KeyFetchRefused, MAX_WEBHOOK_AGE_SECONDS, verifyPlaidWebhook, WEBHOOK_CLOCK_SKEW_SECONDS, WebhookRejected } from "../../providers/plaid/webhook";
import { asApiError, ProviderError } from "../../providers/errors";
import { requireSpaceRole } from "../spaces/access";
import { applyChanges } from "./apply";
import { emptyStats, type NormalAccount } from "./sync-types";
import {
  connectionAccountIds, connectionByExternalId, createConnection, getConnection, hasLiveConnection, openCredentials, plaidLoginKey, presentConnection,
  refuseLinkedPlaidAccounts, setNotice, setStatus,
} from "./connections";
import { actOnLoginAlarm } from "./login-alarm";
import { plaidLogin } from "./plaid-login";
import { enqueueSync, queueFirstSync, REAUTH_CODES } from "./sync";

const provider = <T>(p: Promise<T>): Promise<T> =>
  p.catch((e) => {
    throw e instanceof ProviderError ? asApiError(e) : e;
  });

export async function createLinkToken(svc: Services, auth: AuthContext, input: { spaceId: string; connectionId?: string }) {
  await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const client = new PlaidClient(svc.env);
  let accessToken: string | undefined;
  if (input.connectionId) {
    const conn = await getConnection(svc, input.connectionId);
    if (!conn || conn.space_id !== input.spaceId || conn.provider !== "plaid") throw notFound("Connection");
    if (conn.status === "disconnected") throw validationFailed([{ field: "connectionId", message: "The connection is disconnected; link the institution again", code: "DISCONNECTED" }]);
    accessToken = (await openCredentials<{ accessToken: string }>(svc.env, conn)).accessToken;
  }
  const res = await provider(client.linkTokenCreate({ userId: auth.userId, webhook: svc.env.PLAID_WEBHOOK_URL || undefined, accessToken }));
  return { linkToken: res.link_token, expiration: res.expiration, mode: accessToken ? ("update" as const) : ("create" as const) };
}

/**
 * What Plaid says of an item: its accounts and institution (Link's metadata is the browser's word, kept only
 * when Plaid names none). An item whose accounts cannot be read yet (`fetched` is the provider's error) is kept,
 * in error or waiting for its login, for update mode or the next sync to repair (whose first read of its accounts
 * compares its login then: plaid-login.ts). Its `login` is null when it cannot be compared.
 */
async function itemFacts(client: PlaidClient, accessToken: string, claimedInstitution: string | null) {
  const fetched = await client.accountsGet(accessToken).catch((e: unknown) => {
    if (e instanceof ProviderError) return e;
    throw e;
  });
  const plaidInstitution = fetched instanceof ProviderError ? null : (fetched.item.institution_id ?? null);
  const accounts = fetched instanceof ProviderError ? [] : fetched.accounts.map(normalAccount).filter((a): a is NormalAccount => a !== null);
  return { fetched, institutionId: plaidInstitution ?? claimedInstitution, accounts, login: plaidLogin(plaidInstitution, accounts) };
}

export async function exchangePublicToken(
  svc: Services,
  auth: AuthContext,
  input: { spaceId: string; publicToken: string; metadata?: { institution?: { name?: string; institution_id?: string } } },
) {
  await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const client = new PlaidClient(svc.env);
  const exchanged = await provider(client.exchangePublicToken(input.publicToken));
  const institution = input.metadata?.institution;
  let item;
  let conn;
  try {
    item = await itemFacts(client, exchanged.access_token, institution?.institution_id ?? null);
    const { login } = item;
    if (login) await refuseLinkedPlaidAccounts(svc, input.spaceId, login.institution, login.prints);
    conn = await createConnection(svc, {
      spaceId: input.spaceId, provider: "plaid", status: "pending", externalId: exchanged.item_id, institutionId: item.institutionId,
      institutionName: institution?.name ?? null, credentials: { accessToken: exchanged.access_token, itemId: exchanged.item_id }, createdBy: auth.userId,
      loginKey: login ? await plaidLoginKey(svc.env, login.institution, login.prints) : null,
    });
  } catch (e) {
    // An item that is not stored (a duplicate, or any failure before its connection is) is removed at Plaid at
    // once: Plaid bills an item until it is removed, and nothing here would know its token again.
    await client.itemRemove(exchanged.access_token).catch(() => undefined);
    throw e;
  }
  const { fetched, accounts } = item;
  let firstSync: { jobId: string; status: "queued" } | null = null;
  try {
    if (fetched instanceof ProviderError) throw fetched;
    // Accounts only: balances are reconciled by the first sync, after its transactions.
    await applyChanges(svc, conn, { accounts: accounts.map((a) => ({ ...a, balanceMinor: null })), upserts: [], removed: [], matchPendingHeuristically: false }, emptyStats());
    await setStatus(svc, conn.id, "active", null);
    firstSync = await queueFirstSync(svc, (await getConnection(svc, conn.id))!);
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    await setStatus(svc, conn.id, REAUTH_CODES.has(e.code) ? "reauth_required" : "error", `${e.code}: ${e.message}`);
  }
  conn = (await getConnection(svc, conn.id))!;
  const accountIds = (await connectionAccountIds(svc, [conn.id])).get(conn.id) ?? [];
  return { connection: presentConnection(conn, accountIds), jobId: firstSync?.jobId ?? null, firstSync };
}

const SYNC_CODES = new Set(["SYNC_UPDATES_AVAILABLE", "DEFAULT_UPDATE", "INITIAL_UPDATE", "HISTORICAL_UPDATE", "TRANSACTIONS_REMOVED"]);

/**
 * Proves a Plaid webhook by its Plaid-Verification JWT (401, or 503 while unknown keys cannot be fetched), and
 * returns its body. `client` is the sender's address as a rate-limit subject (client-ip.ts), for the key fetches,
 * which are only made for a webhook naming an item a live connection holds (webhook.ts): an unknown item under a
 * key id we have not cached is the 401 of a key id Plaid does not know, not the 200 a verified one gets.
 */
export async function authenticatePlaidWebhook(svc: Services, rawBody: string, header: string | undefined, client: string) {
  try {
    return await verifyPlaidWebhook(svc, rawBody, header, client, (itemId) => hasLiveConnection(svc, "plaid", itemId));
  } catch (e) {
    if (e instanceof WebhookRejected) throw new ApiError(401, "UNAUTHORIZED", `Webhook verification failed: ${e.message}`);
    if (e instanceof KeyFetchRefused) {
      throw new ApiError(503, "PROVIDER_UNAVAILABLE", "The webhook's verification key cannot be fetched now; retry later", [], {
        "Retry-After": String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))),
      });
    }
    if (e instanceof ProviderError) throw asApiError(e);
    throw e;
  }
}

/**
 * A webhook that `authenticatePlaidWebhook` has proven: enqueue a sync, or move the connection's status.
 * Unknown items are acknowledged and ignored.
 */
export async function handlePlaidWebhook(svc: Services, body: Record<string, unknown>) {
  const type = String(body.webhook_type ?? "");
  const code = String(body.webhook_code ?? "");
  const itemId = typeof body.item_id === "string" ? body.item_id : "";
  const conn = itemId ? await connectionByExternalId(svc, "plaid", itemId) : null;
  if (!conn) return { received: true, action: "ignored" };
  let action = "ignored";
  if (type === "TRANSACTIONS" && SYNC_CODES.has(code)) {
    if (conn.status !== "reauth_required") {
      const { jobId, created } = await enqueueSync(svc, conn, "webhook");
      action = created ? `sync_enqueued:${jobId}` : `sync_in_progress:${jobId}`;
    }
  } else if (type === "ITEM") {
    const err = body.error as { error_code?: unknown } | null | undefined;
    if (code === "ERROR" && err?.error_code === "ITEM_LOGIN_REQUIRED") {
      // The webhook may be late or replayed, the item repaired since (LOGIN_REPAIRED, update mode and a sync): Plaid
      // is asked how the item stands now.
      action = await actOnLoginAlarm(svc, conn, await loginRequiredNow(svc, conn), `${code}: ITEM_LOGIN_REQUIRED`, "ignored:item_healthy");
    } else if (code === "PENDING_EXPIRATION" || code === "PENDING_DISCONNECT") {
      // A warning about a week ahead: the item still works until then, so the connection stays active and keeps
      // syncing (reauth_required stopped its syncs a week early), with the warning as its reason until the end.
      const { reason, until } = pendingEnd(code, body, svc.clock.now());
      action = (await setNotice(svc, conn.id, reason, until)) ? "notice" : "ignored:not_active";
    } else if (code === "ERROR") {
      await setStatus(svc, conn.id, "error", `ITEM ERROR: ${String(err?.error_code ?? "unknown")}`);
      action = "error";
    } else if (code === "LOGIN_REPAIRED") {
      // Repaired in Link's update mode: what the institution held back meanwhile is fetched now, not at the
      // next hourly sweep.
      if (await setStatus(svc, conn.id, "active", null)) {
        const { jobId, created } = await enqueueSync(svc, { ...conn, status: "active", status_reason: null }, "webhook");
        action = created ? `active;sync_enqueued:${jobId}` : `active;sync_in_progress:${jobId}`;
      }
    } else if (code === "USER_PERMISSION_REVOKED") {
      await setStatus(svc, conn.id, "reauth_required", code);
      action = "reauth_required";
    } else if (code === "USER_ACCOUNT_REVOKED") {
      // One account's access was revoked at the institution; the item stays healthy for the others (Plaid), which
      // keep syncing: the connection says which account stopped, and how to give it back (update mode).
      const revoked = typeof body.account_id === "string" ? await accountOfPlaid(svc, conn.id, body.account_id) : null;
      const until = svc.clock.now() + REVOKED_NOTICE_MS;
      const reason = `USER_ACCOUNT_REVOKED: the user revoked access to ${revoked ? `account ${revoked}` : "one account"} at the institution; it no longer syncs (its history is kept) unless access is given again in Link's update mode (POST /v1/providers/plaid/link-token with this connectionId)`;
      action = (await setNotice(svc, conn.id, reason, until)) ? "notice" : "ignored:not_active";
    }
  }
  if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "plaid.webhook", { type, code, connectionId: conn.id, action });
  return { received: true, action };
}

/** How long a connection tells of an account revoked at the institution (USER_ACCOUNT_REVOKED). */
const REVOKED_NOTICE_MS = 30 * 86_400_000;

/** Our id of the connection's account that Plaid calls `plaidAccountId`, if it has one. */
async function accountOfPlaid(svc: Services, connectionId: string, plaidAccountId: string): Promise<string | null> {
  const row = await svc.env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ? AND provider_account_id = ?")
    .bind(connectionId, plaidAccountId)
    .first<{ account_id: string }>();
  return row?.account_id ?? null;
}

/** How long ahead Plaid warns (PENDING_EXPIRATION, PENDING_DISCONNECT): "7 days before". */
const PENDING_WARNING_MS = 7 * 86_400_000;

/**
 * The warning a PENDING_EXPIRATION or PENDING_DISCONNECT webhook gives, and until when it holds: the item's
 * `consent_expiration_time` when Plaid sends one within the next 30 days, else a week from now (PENDING_DISCONNECT
 * sends no time; Plaid sends both a week ahead).
 */
function pendingEnd(code: string, body: Record<string, unknown>, now: number): { reason: string; until: number } {
  const sent = typeof body.consent_expiration_time === "string" ? Date.parse(body.consent_expiration_time) : Number.NaN;
  const until = Number.isFinite(sent) && sent > now && sent <= now + 30 * 86_400_000 ? sent : now + PENDING_WARNING_MS;
  const why = typeof body.reason === "string" && body.reason.length <= 64 ? ` (${body.reason})` : "";
  const ends = code === "PENDING_EXPIRATION" ? "the institution's consent expires" : `Plaid will disconnect this item${why}`;
  return {
    reason: `${code}: ${ends} at ${iso(until)} unless the user renews it in Link's update mode (POST /v1/providers/plaid/link-token with this connectionId); it keeps syncing until then`,
    until,
  };
}

/**
 * Whether Plaid holds the item as needing its login now (/item/get: the item's `error` is ITEM_LOGIN_REQUIRED), as
 * opposed to what a webhook said of it when it was sent. Undefined when Plaid cannot be asked (down, slow, no token).
 */
async function loginRequiredNow(svc: Services, conn: { credentials_enc: string }): Promise<boolean | undefined> {
  try {
    const { accessToken } = await openCredentials<{ accessToken?: string }>(svc.env, conn);
    if (!accessToken) return undefined;
    const { item } = await new PlaidClient(svc.env).itemGet(accessToken);
    return item.error?.error_code === "ITEM_LOGIN_REQUIRED";
  } catch (e) {
    // Plaid refusing the call itself for the item's login is a yes too; anything else (credentials that no longer
    // open) leaves it to a sync, not a 500 that Plaid would retry.
    return e instanceof ProviderError && e.code === "ITEM_LOGIN_REQUIRED" ? true : undefined;
  }
}

/** How long a webhook's token is remembered: past it, its age alone refuses it (webhook.ts), with a minute to spare. */
const RECEIPT_TTL_MS = (MAX_WEBHOOK_AGE_SECONDS + WEBHOOK_CLOCK_SKEW_SECONDS + 60) * 1000;

/**
 * A webhook `authenticatePlaidWebhook` has proven, received once: an exact replay of its token (the same signed
 * webhook sent again while its token is still accepted: a retry, or a copy an attacker captured) is acknowledged and
 * ignored, never acted on twice, so an old ITEM_LOGIN_REQUIRED cannot undo a repair. Each token is remembered by the
 * SHA-256 of its signed part (provider_webhook_receipts) until it would be refused as too old; a webhook whose handling fails is forgotten
 * again, so that the provider's retry of it is handled.
 */
export async function receivePlaidWebhook(svc: Services, body: Record<string, unknown>, token: string) {
  const db = svc.env.DB;
  const now = svc.clock.now();
  // The token's signed part (header and claims, which hold the body's hash and the instant it was signed): an ECDSA
  // signature can be rewritten into another valid one of the same text, so the whole token would not catch a replay.
  const hash = await sha256Hex(token.split(".").slice(0, 2).join("."));
  const [, taken] = await db.batch([
    db.prepare("DELETE FROM provider_webhook_receipts WHERE rowid IN (SELECT rowid FROM provider_webhook_receipts WHERE expires_at < ? LIMIT 100)").bind(now),
    db.prepare("INSERT INTO provider_webhook_receipts (provider, token_hash, expires_at) VALUES ('plaid', ?, ?) ON CONFLICT DO NOTHING").bind(hash, now + RECEIPT_TTL_MS),
  ]);
  if (taken!.meta.changes === 0) {
    if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "plaid.webhook_replayed", { type: String(body.webhook_type ?? ""), code: String(body.webhook_code ?? "") });
    return { received: true, action: "ignored:replayed" };
  }
  try {
    return await handlePlaidWebhook(svc, body);
  } catch (e) {
    await db.prepare("DELETE FROM provider_webhook_receipts WHERE provider = 'plaid' AND token_hash = ?").bind(hash).run().catch(() => undefined);
    throw e;
  }
}

/** Removes the item at Plaid (DELETE of a connection). */
export async function removePlaidItem(svc: Services, conn: { credentials_enc: string }) {
  const { accessToken } = await openCredentials<{ accessToken?: string }>(svc.env, conn);
  if (accessToken) await new PlaidClient(svc.env).itemRemove(accessToken);
}
