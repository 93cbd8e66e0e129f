/**
 * A populated space for route-driven security tests: one user per role, a
 * second-factor owner, accounts, a category, a transaction, a budget, a ledger
 * transaction, a webhook (to the sandbox receiver) and a retraining job, plus an outsider with a space of their own.
 */
import { env } from "cloudflare:workers";
import { addMember, callJson, createSpace, enableTwoFactor, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { encryptSecret } from "../../src/lib/crypto";
import { OMITTED } from "./openapi-requests";

export interface World {
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  viewer: TestUser;
  outsider: TestUser;
  newcomer: TestUser;
  spaceId: string;
  ids: Record<string, unknown>;
}

async function ok(res: Promise<{ status: number; body: any }>) {
  const r = await res;
  if (r.status >= 300) throw new Error(`world setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Waits until a queued job has run. Its consumer writes model rows seconds
 * later, which a test comparing row counts would otherwise see as a change
 * made by whatever request happened to be in flight. Reads D1 directly: the
 * status route's bulk rate limit would not survive polling.
 */
export async function settleJob(jobId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const row = await env.DB.prepare("SELECT status FROM jobs WHERE id = ?").bind(jobId).first<{ status: string }>();
    if (row?.status === "completed" || row?.status === "failed") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish within 20 s`);
}

export type People = Pick<World, "owner" | "admin" | "member" | "viewer" | "outsider" | "newcomer">;

/** The six users a world needs; the owner has 2FA on (and a fresh step-up from enabling it). */
export async function registerPeople(): Promise<People> {
  const [owner, admin, member, viewer, outsider, newcomer] = await Promise.all(Array.from({ length: 6 }, () => registerUser()));
  await enableTwoFactor(owner!);
  await createSpace(outsider!);
  return { owner: owner!, admin: admin!, member: member!, viewer: viewer!, outsider: outsider!, newcomer: newcomer! };
}

/**
 * A fresh space with one member per role; pass `people` to reuse users (registration is slow by design).
 * `retrainJob: false` skips the queued job, whose consumer runs only after the queue's 5 s batch window:
 * worlds built for a single write do not need one.
 */
export async function buildWorld(people?: People, opts: { retrainJob?: boolean } = {}): Promise<World> {
  const { owner, admin, member, viewer, outsider, newcomer } = people ?? (await registerPeople());
  const space = await createSpace(owner!);
  await addMember(owner!, space.id, admin!, "admin");
  await addMember(owner!, space.id, member!, "member");
  await addMember(owner!, space.id, viewer!, "viewer");
  // A pending ownership offer to the viewer: the lowest role may read and accept an offer that names it.
  await env.DB.prepare("INSERT INTO space_owner_offers (space_id, user_id, offered_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
    .bind(space.id, viewer!.id, owner!.id, Date.now(), Date.now() + 7 * 86_400_000).run();
  const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });
  const acc = await createAccount(owner!, space.id, { openingBalance: 1000 });
  const acc2 = await createAccount(owner!, space.id, { name: "Savings", type: "savings", openingBalance: 100 });
  const cat = await ok(callJson("/v1/categories", { ...as(owner!), body: { spaceId: space.id, name: "Matrix", type: "expense" } }));
  const txn = await ok(callJson("/v1/transactions", { ...as(owner!), body: { spaceId: space.id, accountId: acc.id, amount: -10, description: "matrix", date: "2024-01-15" } }));
  const budget = await ok(callJson("/v1/budgets", { ...as(owner!), body: { spaceId: space.id, name: "Matrix", amount: 100, period: "monthly", categoryIds: [cat.id] } }));
  const ltx = await ok(callJson(`/v1/spaces/${space.id}/ledger/transactions`, { ...as(owner!), body: { postings: [{ source: "world", destination: "users:matrix", amount: 100000, asset: "USD/2" }] } }));
  const webhookUrl = `${env.SANDBOX_ORIGIN}/sandbox/webhook-receiver/matrix`;
  let webhookUrls = 0;
  const webhook = await ok(callJson("/v1/webhooks", { ...as(owner!), body: { spaceId: space.id, url: webhookUrl, events: ["transaction.created"] } }));
  // A pair of sneakers linked to the sample sneaker (so refresh has a link), with a pending document; the real-estate
  // routes take a house at seed 000's sample address (a house is not valued from a catalog item).
  const [asset, house] = await Promise.all([
    ok(callJson("/v1/assets", { ...as(owner!), body: { spaceId: space.id, name: "Matrix Sneakers", type: "collectible", currency: "USD", value: "300.00" } })),
    ok(callJson("/v1/assets", { ...as(owner!), body: { spaceId: space.id, name: "Matrix House", type: "real_estate", currency: "USD", value: "850000.00", address: { address: "123 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" } } })),
  ]);
  const [, doc] = await Promise.all([
    ok(callJson(`/v1/assets/${asset.id}/collectible-link`, { ...as(owner!), body: { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" } })),
    ok(callJson(`/v1/assets/${asset.id}/documents/upload-url`, { ...as(owner!), body: { filename: "matrix.pdf", contentType: "application/pdf", size: 10 } })),
  ]);
  // A saved projection scenario (for DELETE /v1/projections/scenarios/{scenarioId}).
  const scenario = await ok(callJson("/v1/projections", { ...as(owner!), body: { spaceId: space.id, name: "Matrix plan", years: 10, scenarios: 100, seed: 1, startingNetWorth: "1000.00", annualContribution: "100.00" } }));
  const job = opts.retrainJob === false ? { jobId: undefined } : await ok(callJson("/v1/ml/retrain", { ...as(owner!), body: { spaceId: space.id } }));
  if (job.jobId) await settleJob(job.jobId);
  const provider = await providerFixtures(space.id, owner!.id, admin!.id);
  return {
    owner: owner!, admin: admin!, member: member!, viewer: viewer!, outsider: outsider!, newcomer: newcomer!, spaceId: space.id,
    ids: {
      spaceId: space.id, accountId: acc.id, fromAccountId: acc.id, toAccountId: acc2.id, categoryId: cat.id, correctedCategoryId: cat.id,
      transactionId: txn.id, transactionIds: [txn.id], categoryIds: [cat.id], userId: member!.id, txid: ltx.data[0].txid, jobId: job.jobId,
      address: "users:matrix", source: "world", destination: "users:matrix", email: newcomer!.email, budgetId: budget.id,
      // POST /v1/defi/wallets takes an EVM address (EIP-55), not a ledger address.
      "address@/v1/defi/wallets": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
      "id@/v1/transactions": txn.id, "id@/v1/categories": cat.id, "id@/v1/budgets": budget.id,
      // A new receiver URL at each read: one URL's subscriptions never share an event, so a second POST (or another
      // role's) to the world's own URL is a 409.
      "id@/v1/webhooks": webhook.id, get "url@/v1/webhooks"() { return `${webhookUrl}-${++webhookUrls}`; },
      assetId: asset.id, "assetId@/v1/real-estate": house.id, documentId: doc.documentId, "address@/v1/assets": { address: "123 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" },
      // A disposal day would refuse the matrix asset's valuations after it (and the example's is before its first one).
      "disposedOn@/v1/assets": OMITTED,
      "address@/v1/real-estate/lookup": "123 Main Street",
      connectionId: provider.connectionId, "jobId@/v1/sync-jobs": provider.syncJobId, "connectionId@/v1/providers/belvo/repair": provider.belvoConnectionId,
      flagId: provider.flagId, "action@/v1/providers/review-flags": "keep_both", walletId: provider.walletId, scenarioId: scenario.scenario.id,
      // Dismissing (the example action) takes no amount: a field only an edit may send is refused with it.
      seriesId: provider.seriesId, "amount@/v1/analytics/recurring": OMITTED,
      // The matrix's two accounts hold one currency: the example's toAmount (pesos into dollars) is left out.
      "toAmount@/v1/transactions/transfer": OMITTED, "amount@/v1/transactions/transfer": "1.00",
    },
  };
}

/**
 * A Plaid connection (its token sealed; a one-day sandbox item, so syncs are quick), a finished sync job of it, and a
 * Belvo connection waiting for its login (connected by the admin: only its creator may give it a password), written
 * directly.
 */
async function providerFixtures(spaceId: string, userId: string, belvoCreator: string) {
  const now = Date.now();
  const suffix = crypto.randomUUID().replace(/-/g, "").slice(0, 16);
  const connectionId = `con_matrix${suffix}`;
  const syncJobId = `job_matrix${suffix}`;
  const accessToken = `access-sandbox-matrix-${suffix}`;
  const sealed = await encryptSecret(JSON.stringify({ accessToken, itemId: `item-matrix-${suffix}` }), env.ENCRYPTION_KEY);
  const belvoSealed = await encryptSecret(JSON.stringify({ linkId: `link-matrix-${suffix}`, username: `matrix-${suffix}`, password: "pw" }), env.ENCRYPTION_KEY);
  await env.DB.batch([
    env.DB.prepare("INSERT INTO sandbox_plaid_items (item_id, access_token, seed, anchor_day, history_days, created_at) VALUES (?, ?, ?, ?, 1, ?)")
      .bind(`item-matrix-${suffix}`, accessToken, suffix, new Date(now).toISOString().slice(0, 10), now),
    env.DB.prepare("INSERT INTO provider_connections (id, space_id, provider, status, external_id, credentials_enc, created_by, created_at, updated_at) VALUES (?, ?, 'plaid', 'active', ?, ?, ?, ?, ?)")
      .bind(connectionId, spaceId, `item-matrix-${suffix}`, sealed, userId, now, now),
    env.DB.prepare("INSERT INTO jobs (id, space_id, type, status, result, created_at, started_at, finished_at) VALUES (?, ?, 'provider.sync', 'completed', ?, ?, ?, ?)")
      .bind(syncJobId, spaceId, JSON.stringify({ stats: { created: 0, updated: 0, unchanged: 0, errors: 0, removed: 0, corrections: 0, adjustments: 0, flagged: 0 }, accountIds: [] }), now, now, now),
    env.DB.prepare("INSERT INTO provider_sync_jobs (job_id, connection_id, space_id, trigger, created_at) VALUES (?, ?, ?, 'manual', ?)").bind(syncJobId, connectionId, spaceId, now),
    // An open review flag (an ambiguous pending/posted match) for the review-flag routes.
    env.DB.prepare("INSERT INTO provider_review_flags (id, space_id, transaction_id, candidate_transaction_ids, reason, created_at) VALUES (?, ?, ?, ?, 'possible_pending_duplicate', ?)")
      .bind(`evt_flag${suffix}`, spaceId, `txn_posted${suffix}`, JSON.stringify([`txn_pending${suffix}`]), now),
    // A recurring series decided on (dismissed), for PATCH /v1/analytics/recurring/{seriesId}: an id the space
    // neither detects nor decided on is a 404.
    env.DB.prepare("INSERT INTO recurring_decisions (space_id, series_key, status, updated_by, created_at, updated_at) VALUES (?, ?, 'dismissed', ?, ?, ?)")
      .bind(spaceId, `rec_${suffix.padEnd(24, "0")}`, userId, now, now),
    // A Belvo connection (for POST /v1/providers/belvo/repair) and its sandbox link.
    env.DB.prepare("INSERT INTO sandbox_belvo_links (id, institution, username, seed, anchor_day, created_at) VALUES (?, 'banamex', ?, ?, ?, ?)")
      .bind(`link-matrix-${suffix}`, `matrix-${suffix}`, suffix, new Date(now).toISOString().slice(0, 10), now),
    env.DB.prepare("INSERT INTO provider_connections (id, space_id, provider, status, external_id, institution_id, credentials_enc, created_by, created_at, updated_at) VALUES (?, ?, 'belvo', 'reauth_required', ?, 'banamex', ?, ?, ?, ?)")
      .bind(`con_belvo${suffix}`, spaceId, `link-matrix-${suffix}`, belvoSealed, belvoCreator, now, now),
    // A connected DeFi wallet (for DELETE /v1/defi/wallets/{walletId}), without a sync.
    env.DB.prepare("INSERT INTO defi_wallets (id, space_id, address, label, networks, created_by, created_at, updated_at) VALUES (?, ?, ?, 'Matrix', '[\"ethereum\"]', ?, ?, ?)")
      .bind(`wal_matrix${suffix}`, spaceId, `0x${suffix.padStart(40, "0")}`, userId, now, now),
  ]);
  return { connectionId, belvoConnectionId: `con_belvo${suffix}`, syncJobId, flagId: `evt_flag${suffix}`, walletId: `wal_matrix${suffix}`, seriesId: `rec_${suffix.padEnd(24, "0")}` };
}
