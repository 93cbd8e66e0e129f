/** Belvo connections: a link session for the widget, credential connect, and webhooks authenticated by their Authorization value. */
import type { AuthContext, Services } from "../../env";
import { timingSafeEqual } from "../../lib/crypto";
import { responseText, type Locale } from "../../lib/i18n";
import { ApiError, forbidden, notFound, validationFailed } from "../../lib/errors";
import { logError, logInfo } from "../../lib/log";
import { BelvoClient } from "../../providers/belvo/client";
import { normalBelvoAccount } from "../../providers/belvo/adapter";
import { asApiError, ProviderError } from "../../providers/errors";
import { requireSpaceRole } from "../spaces/access";
import { applyChanges } from "./apply";
import { emptyStats, type NormalAccount } from "./sync-types";
import {
  belvoLoginKey, connectionAccountIds, connectionByExternalId, createConnection, getConnection, openCredentials, presentConnection, refuseConnectedLogin, sealCredentials,
  setStatus,
} from "./connections";
import { actOnLoginAlarm } from "./login-alarm";
import { enqueueSync, queueFirstSync, REAUTH_CODES } from "./sync";

const provider = <T>(p: Promise<T>): Promise<T> =>
  p.catch((e) => {
    throw e instanceof ProviderError ? asApiError(e) : e;
  });

export async function createLinkSession(svc: Services, auth: AuthContext, input: { spaceId: string; institution: string }) {
  await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const token = await provider(new BelvoClient(svc.env).widgetToken());
  return { accessToken: token.access, institution: input.institution, expiresIn: 600 };
}

export async function connectBelvo(svc: Services, auth: AuthContext, input: { spaceId: string; institution: string; username: string; password: string }, locale: Locale = "en") {
  await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const loginKey = await belvoLoginKey(svc.env, input.institution, input.username);
  await refuseConnectedLogin(svc, input.spaceId, "belvo", loginKey);
  const client = new BelvoClient(svc.env);
  // The connect's own id for its link: when Belvo's answer is lost (a timeout, a cut-off body) the link may exist at
  // Belvo all the same, holding the user's bank password with nothing here knowing its id; it is found by this and
  // removed.
  const externalId = `dhanam-${crypto.randomUUID()}`;
  const link = await client.createLink({ institution: input.institution, username: input.username, password: input.password, externalId }).catch(async (e: unknown) => {
    if (e instanceof ProviderError && e.transient) await removeLinksMadeBy(client, externalId);
    throw e instanceof ProviderError ? asApiError(e) : e;
  });
  let conn = await createConnection(svc, {
    spaceId: input.spaceId, provider: "belvo", status: "pending", externalId: link.id, institutionId: input.institution, institutionName: input.institution,
    credentials: { linkId: link.id, username: input.username, password: input.password }, createdBy: auth.userId, loginKey,
  }).catch(async (e: unknown) => {
    // Another connect of the same login won the race: the link registered for this one is not kept at Belvo either.
    await client.deleteLink(link.id).catch(() => undefined);
    throw e;
  });
  let firstSync: { jobId: string; status: "queued" } | null = null;
  try {
    const accounts = (await client.accounts(link.id)).map(normalBelvoAccount).filter((a): a is NormalAccount => a !== null).map((a) => ({ ...a, balanceMinor: null }));
    await applyChanges(svc, conn, { accounts, upserts: [], removed: [], matchPendingHeuristically: true }, emptyStats());
    await setStatus(svc, conn.id, "active", null);
    firstSync = await queueFirstSync(svc, (await getConnection(svc, conn.id))!);
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    await setStatus(svc, conn.id, REAUTH_CODES.has(e.code) ? "reauth_required" : "error", `${e.code}: ${e.message}`);
  }
  conn = (await getConnection(svc, conn.id))!;
  return { connection: presentConnection(conn, (await connectionAccountIds(svc, [conn.id])).get(conn.id) ?? []), jobId: firstSync?.jobId ?? null, firstSync, message: responseText(locale, "connected", { provider: "Belvo" }) };
}

/**
 * Repairs a Belvo connection whose bank stopped taking its login (the user changed the password; Belvo announced
 * `invalid_credentials` or `token_required`): the new password goes to Belvo on the same link (PUT /api/links/{id}/,
 * "update a link's credentials"), so the link, its accounts and their history stay, where disconnecting and
 * connecting again would make new ones. Then the sealed credentials hold the new password, the connection is
 * active and a sync is queued. A password the bank refuses changes nothing here (422 PROVIDER_ERROR).
 */
export async function repairBelvo(svc: Services, auth: AuthContext, input: { spaceId: string; connectionId: string; password: string }) {
  await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const conn = await getConnection(svc, input.connectionId);
  if (!conn || conn.space_id !== input.spaceId || conn.provider !== "belvo") throw notFound("Connection");
  // The bank's answer to a password (taken or refused) would tell another admin whether a guess at a member's bank
  // password is right: only the member who connected the login may send one.
  if (conn.created_by !== auth.userId) throw forbidden("Only the member who connected this login can give it a new password; an admin can disconnect it and connect the login anew");
  if (conn.status === "disconnected") throw validationFailed([{ field: "connectionId", message: "The connection is disconnected; link the institution again", code: "DISCONNECTED" }]);
  const credentials = await openCredentials<{ linkId: string; username: string; password: string }>(svc.env, conn);
  await provider(new BelvoClient(svc.env).updateLinkPassword(credentials.linkId, input.password));
  const sealed = await sealCredentials(svc.env, { ...credentials, password: input.password });
  // Only while the connection is live: a disconnect at the same moment wiped its credentials, which stay wiped.
  await svc.env.DB.prepare("UPDATE provider_connections SET credentials_enc = ?, updated_at = ? WHERE id = ? AND status != 'disconnected'")
    .bind(sealed, svc.clock.now(), conn.id)
    .run();
  await setStatus(svc, conn.id, "active", null);
  const after = (await getConnection(svc, conn.id))!;
  const job = after.status === "active" ? await enqueueSync(svc, after, "manual") : null;
  return {
    connection: presentConnection(after, (await connectionAccountIds(svc, [conn.id])).get(conn.id) ?? []),
    jobId: job?.jobId ?? null,
    message: after.status === "active" ? "Belvo login repaired; a sync is queued" : `The connection is ${after.status}`,
  };
}

const REFETCH = new Set(["historical_update", "new_transactions_available", "transactions_updated", "transactions_deleted"]);
const REAUTH = new Set(["invalid_credentials", "token_required"]);

/** Belvo signs nothing: the webhook carries the Authorization value we registered, compared in constant time. */
/** Proves a Belvo webhook by the configured Authorization value (compared in constant time), and returns its body. */
export function authenticateBelvoWebhook(svc: Services, authorization: string | undefined, rawBody: string): Record<string, unknown> {
  const expected = svc.env.BELVO_WEBHOOK_AUTHORIZATION;
  if (!expected || !authorization || !timingSafeEqual(authorization, expected)) throw new ApiError(401, "UNAUTHORIZED", "Webhook Authorization is missing or wrong");
  try {
    const body = JSON.parse(rawBody) as Record<string, unknown>;
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error();
    return body;
  } catch {
    throw new ApiError(400, "BAD_REQUEST", "Webhook body is not a JSON object");
  }
}

/** Acts on a webhook that `authenticateBelvoWebhook` has proven. */
export async function handleBelvoWebhook(svc: Services, body: Record<string, unknown>) {
  const code = String(body.webhook_code ?? "");
  const linkId = typeof body.link_id === "string" ? body.link_id : "";
  const conn = linkId ? await connectionByExternalId(svc, "belvo", linkId) : null;
  if (!conn) return { received: true, action: "ignored" };
  let action = "ignored";
  if (REFETCH.has(code) && conn.status !== "reauth_required") {
    const { jobId, created } = await enqueueSync(svc, conn, "webhook");
    action = created ? `sync_enqueued:${jobId}` : `sync_in_progress:${jobId}`;
  } else if (REAUTH.has(code)) {
    // The webhook may be late, the link repaired since (POST /belvo/repair): Belvo is asked how the link stands now.
    action = await actOnLoginAlarm(svc, conn, await loginWantedNow(svc, conn), code, "ignored:link_valid");
  }
  if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "belvo.webhook", { code, connectionId: conn.id, action });
  return { received: true, action };
}

/** Removes at Belvo the links a connect made (by its external id) whose answer it never got; best effort, logged without ids. */
async function removeLinksMadeBy(client: BelvoClient, externalId: string): Promise<void> {
  try {
    for (const link of await client.linksByExternalId(externalId)) await client.deleteLink(link.id);
  } catch (e) {
    logError(undefined, "belvo.orphan_link_removal_failed", new Error(e instanceof ProviderError ? `belvo ${e.code} (HTTP ${e.status})` : "error"), {});
  }
}

/** Whether Belvo says the connection's link wants its login again now; undefined when Belvo cannot be asked. */
async function loginWantedNow(svc: Services, conn: { credentials_enc: string }): Promise<boolean | undefined> {
  try {
    const { linkId } = await openCredentials<{ linkId?: string }>(svc.env, conn);
    if (!linkId) return undefined;
    return (await new BelvoClient(svc.env).getLink(linkId)).status !== "valid";
  } catch (e) {
    // Credentials that no longer open, or Belvo failing: left to a sync, not a 500.
    return e instanceof ProviderError && REAUTH.has(e.code) ? true : undefined;
  }
}

export async function removeBelvoLink(svc: Services, conn: { credentials_enc: string }) {
  const { linkId } = await openCredentials<{ linkId?: string }>(svc.env, conn);
  if (linkId) await new BelvoClient(svc.env).deleteLink(linkId);
}
