/**
 * Plaid webhook verification with a real ES256 key pair generated here: the
 * simulator publishes the public JWK at /webhook_verification_key/get (seeded
 * through its sandbox control), the API fetches it by `kid` and caches it.
 * Valid is accepted; a wrong key, an unknown kid, a stale iat, an altered body,
 * an alg other than ES256, an expired key and a missing header are refused.
 * A key is only fetched for a webhook naming an item we hold: `known`, an item
 * linked through the API for this file. The simulator's key requests are
 * counted (`keyGets`) by the in-process handler outbound() sends them to.
 */
import { env } from "cloudflare:workers";
import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { sha256Hex } from "../../src/lib/crypto";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { OUTBOUND_LIMITS } from "../../src/lib/rate-limits";
import { call, callJson, nextIp } from "../helpers";
import { as, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob, jobStats, ledgerFingerprint } from "./helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

type Key = CryptoKey;
let signer: { privateKey: Key; kid: string };
/** An item of ours (a live Plaid connection), and its connection. */
let known: { itemId: string; connectionId: string };
/** How many times the simulator was asked for a key (/webhook_verification_key/get). */
let keyGets = 0;
/** While true, Plaid's /item/get fails (500): how an item stands cannot be asked. */
let itemGetDown = false;

async function publish(kid: string, publicKey: Key, expiredAt?: number) {
  await plaidControl("webhook_verification_key/create", { kid, public_jwk: await exportJWK(publicKey), ...(expiredAt ? { expired_at: expiredAt } : {}) });
}

async function sign(body: string, opts: { key?: Key; kid?: string; iat?: number; alg?: string; bodyForHash?: string } = {}) {
  const hash = await sha256Hex(opts.bodyForHash ?? body);
  const jwt = new SignJWT({ request_body_sha256: hash }).setProtectedHeader({ alg: opts.alg ?? "ES256", kid: opts.kid ?? signer.kid, typ: "JWT" });
  jwt.setIssuedAt(opts.iat ?? Math.floor(Date.now() / 1000));
  return jwt.sign(opts.key ?? signer.privateKey);
}

/** Plaid's own sender address in these tests (the helpers' default); forgers send from others. */
function post(body: string, header?: string, ip?: string) {
  return call("/v1/providers/plaid/webhook", { rawBody: body, ip, headers: { "content-type": "application/json", ...(header ? { "plaid-verification": header } : {}) } });
}

/** A webhook Plaid sends that changes nothing here (for an item of ours, acknowledged and ignored). */
const ackBody = (itemId: string) => JSON.stringify({ webhook_type: "ITEM", webhook_code: "WEBHOOK_UPDATE_ACKNOWLEDGED", item_id: itemId, new_webhook_url: "https://api.test/v1/providers/plaid/webhook", error: null, environment: "sandbox" });
const syncBody = (itemId: string) => JSON.stringify({ webhook_type: "TRANSACTIONS", webhook_code: "SYNC_UPDATES_AVAILABLE", item_id: itemId, initial_update_complete: true, historical_update_complete: true, environment: "sandbox" });

beforeAll(async () => {
  // The simulator as the app reaches it (src/index.ts registers the same app.fetch), its key requests counted.
  registerSandboxHandler((request, e) => {
    const path = new URL(request.url).pathname;
    if (path.endsWith("/webhook_verification_key/get")) keyGets++;
    if (itemGetDown && path.endsWith("/item/get")) return Response.json({ error_type: "API_ERROR", error_code: "INTERNAL_SERVER_ERROR", error_message: "an unexpected error occurred" }, { status: 500 });
    return app.fetch(request, e);
  });
  const pair = await generateKeyPair("ES256", { extractable: true });
  signer = { privateKey: pair.privateKey, kid: `kid-${crypto.randomUUID()}` };
  await publish(signer.kid, pair.publicKey);
  const { owner, spaceId } = await ownerWithSpace();
  const linked = await linkPlaid(owner, spaceId);
  await waitForJob(linked.jobId);
  const row = await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(linked.connection.id).first<{ external_id: string }>();
  known = { itemId: row!.external_id, connectionId: linked.connection.id };
}, 60_000);

afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

describe("Plaid webhook verification", () => {
  it("accepts a valid signature and refuses every forgery", { timeout: 60_000 }, async () => {
    const ack = ackBody(known.itemId);
    const first = await post(ack, await sign(ack));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, action: "ignored" });
    // The key was fetched by kid and cached.
    const cached = await env.DB.prepare("SELECT kid FROM provider_webhook_keys WHERE provider = 'plaid' AND kid = ?").bind(signer.kid).first();
    expect(cached).not.toBeNull();
    // Under a key we hold, a verified webhook for an item we do not hold is acknowledged and ignored.
    const stranger = syncBody("item-unknown");
    const ok = await post(stranger, await sign(stranger));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, action: "ignored" });
    // Plaid's clock a few seconds ahead of ours (iat in whole seconds): still genuine. So is one just under 5 minutes old.
    for (const skew of [1, 5, 29, -299]) {
      const res = await post(ack, await sign(ack, { iat: Math.floor(Date.now() / 1000) + skew }));
      expect(res.status, `iat ${skew}`).toBe(200);
    }
    // The forgeries below name our item, so that each one is refused by the check it is there for.
    const body = syncBody(known.itemId);

    const refused = async (res: Response, why: string) => {
      expect(res.status, why).toBe(401);
      const out = (await res.json()) as any;
      expect(out.error.code).toBe("UNAUTHORIZED");
      return out.error.message as string;
    };
    // Missing header.
    await refused(await post(body), "missing header");
    // A different key under the same kid.
    const other = await generateKeyPair("ES256", { extractable: true });
    await refused(await post(body, await sign(body, { key: other.privateKey })), "wrong key");
    // An unknown kid (Plaid does not know it either).
    expect(await refused(await post(body, await sign(body, { key: other.privateKey, kid: "kid-nobody-knows" })), "unknown kid")).toMatch(/Unknown key id/);
    // iat older than five minutes, or more than 30 seconds ahead of our clock.
    await refused(await post(body, await sign(body, { iat: Math.floor(Date.now() / 1000) - 301 })), "stale iat");
    await refused(await post(body, await sign(body, { iat: Math.floor(Date.now() / 1000) + 32 })), "iat far ahead");
    // The body altered after signing.
    await refused(await post(body.replace("SYNC_UPDATES_AVAILABLE", "DEFAULT_UPDATE"), await sign(body)), "altered body");
    // Another algorithm: HS256 with a shared secret, and ES384.
    const hs = new TextEncoder().encode("a-shared-secret-that-is-long-enough-for-hs256");
    expect(await refused(await post(body, await sign(body, { key: hs as unknown as Key, alg: "HS256" })), "HS256")).toMatch(/not ES256/);
    const p384 = await generateKeyPair("ES384", { extractable: true });
    await refused(await post(body, await sign(body, { key: p384.privateKey, alg: "ES384" })), "ES384");
    // alg "none".
    const none = `${btoa(JSON.stringify({ alg: "none", kid: signer.kid })).replace(/=+$/, "")}.${btoa(JSON.stringify({ request_body_sha256: await sha256Hex(body), iat: Math.floor(Date.now() / 1000) })).replace(/=+$/, "")}.`;
    await refused(await post(body, none), "alg none");
    // An alg of 5,000 characters (the sender's own text) is shown in the refusal cut to 200, quoted.
    const longAlg = `${btoa(JSON.stringify({ alg: "X".repeat(5000), kid: signer.kid })).replace(/=+$/, "")}.${btoa(JSON.stringify({ iat: 1 })).replace(/=+$/, "")}.`;
    expect(await refused(await post(body, longAlg), "long alg")).toBe(`Webhook verification failed: Algorithm "${"X".repeat(200)}" is not ES256`);
    // An expired key is refused even with a valid signature.
    const old = await generateKeyPair("ES256", { extractable: true });
    await publish("kid-expired", old.publicKey, Math.floor(Date.now() / 1000) - 60);
    expect(await refused(await post(body, await sign(body, { key: old.privateKey, kid: "kid-expired" })), "expired key")).toMatch(/expired/);
    // A rotated key: an unknown kid is fetched, then accepted.
    const next = await generateKeyPair("ES256", { extractable: true });
    await publish("kid-rotated", next.publicKey);
    expect((await post(ack, await sign(ack, { key: next.privateKey, kid: "kid-rotated" }))).status).toBe(200);
    // Nothing a refused webhook sent reached a table but the key cache.
    const jobs = await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_sync_jobs WHERE trigger = 'webhook'").first<{ n: number }>();
    expect(jobs!.n).toBe(0);
  });

  it("proves the sender before reading the body: an unsigned caller gets 401 for any body, a signed one its validation", async () => {
    // Bodies the validation refuses (not an object, an inexact number, a control character, not JSON at all).
    for (const bad of ["[1,2]", '{"amount": 0.1000000000000000055511151231257827}', '{"note":"a\u0001b"}', "{not json"]) {
      const unsigned = await post(bad);
      expect(unsigned.status, bad).toBe(401);
      expect(((await unsigned.json()) as any).error.code).toBe("UNAUTHORIZED");
      // The same body signed with a key that is not Plaid's: still only 401.
      const forged = await generateKeyPair("ES256");
      expect((await post(bad, await sign(bad, { key: forged.privateKey }))).status, bad).toBe(401);
    }
    // Signed by Plaid, the body is validated as before.
    const inexact = '{"webhook_type":"TRANSACTIONS","amount":0.1000000000000000055511151231257827}';
    const validated = await post(inexact, await sign(inexact));
    expect(validated.status).toBe(422);
    expect(((await validated.json()) as any).error.details[0].code).toBe("INEXACT_NUMBER");
  });

  it("spends no key fetch on a webhook naming an item we do not hold: after a burst of them from many senders, Plaid's next key is fetched and its webhook syncs", { timeout: 90_000 }, async () => {
    const forger = await generateKeyPair("ES256", { extractable: true });
    const global = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("outbound:plaid-webhook-key"));
    const globalTakenAt = await global.lastTakenAt();
    const gets = keyGets;
    const senders = Array.from({ length: 8 }, () => nextIp());
    const perClient = OUTBOUND_LIMITS.plaidWebhookKeyFetchPerClient.limit;
    const cap = OUTBOUND_LIMITS.plaidWebhookKeyFetch.limit;
    // More forgeries, each under a fresh key id and naming a made-up item, than the caps allow fetches for, from
    // more senders than it takes to spend the global cap (before: 30 asked of Plaid, then 503 for everyone).
    for (let i = 0; i < cap + 2 * perClient; i++) {
      const forged = syncBody(`item-${crypto.randomUUID()}`);
      const res = await post(forged, await sign(forged, { key: forger.privateKey, kid: `kid-${crypto.randomUUID()}` }), senders[i % senders.length]);
      expect(res.status, `forgery ${i}`).toBe(401);
      expect(((await res.json()) as any).error.message).toMatch(/^Webhook verification failed: Unknown key id kid-/);
    }
    // Nor is a key fetched for a body that is not a webhook of one of our items, nor for a token that is stale or
    // hashes another body, even one naming our item.
    const ours = syncBody(known.itemId);
    const kid = () => `kid-${crypto.randomUUID()}`;
    const notGenuine: [string, string][] = [
      ["[1,2]", await sign("[1,2]", { key: forger.privateKey, kid: kid() })],
      ["{not json", await sign("{not json", { key: forger.privateKey, kid: kid() })],
      ['{"webhook_type":"TRANSACTIONS"}', await sign('{"webhook_type":"TRANSACTIONS"}', { key: forger.privateKey, kid: kid() })],
      [syncBody("i".repeat(129)), await sign(syncBody("i".repeat(129)), { key: forger.privateKey, kid: kid() })],
      [ours, await sign(ours, { key: forger.privateKey, kid: kid(), iat: Math.floor(Date.now() / 1000) - 301 })],
      [ours, await sign(ours, { key: forger.privateKey, kid: kid(), iat: Math.floor(Date.now() / 1000) + 32 })],
      [ours, await sign(ours, { key: forger.privateKey, kid: kid(), bodyForHash: syncBody("item-other") })],
    ];
    for (const [body, header] of notGenuine) expect((await post(body, header, nextIp())).status, body.slice(0, 40)).toBe(401);
    expect(keyGets - gets).toBe(0);
    expect(await global.lastTakenAt()).toBe(globalTakenAt);
    // Each sender spent its own allowance only (taken before the item is looked at, so that its answers are the
    // same whatever the item: see the end of this test).
    for (const sender of senders) {
      const own = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`outbound:plaid-webhook-key:ip4:${sender}`));
      expect(await own.lastTakenAt(), sender).not.toBeNull();
    }

    // Plaid rotates its key: its webhook under the new kid is verified (the key fetched once) and syncs the item.
    // (From another of Plaid's addresses: the first test spent most of this file's default address's fetches.)
    const plaidAddress = nextIp();
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(known.connectionId), generations: 1 });
    const rotated = await generateKeyPair("ES256", { extractable: true });
    const rotatedKid = `kid-${crypto.randomUUID()}`;
    await publish(rotatedKid, rotated.publicKey);
    const genuine = await post(ours, await sign(ours, { key: rotated.privateKey, kid: rotatedKid }), plaidAddress);
    expect(genuine.status).toBe(200);
    const action = ((await genuine.json()) as any).action as string;
    expect(action).toMatch(/^sync_enqueued:job_/);
    expect(keyGets - gets).toBe(1);
    const job = action.split(":")[1]!;
    expect((await waitForJob(job)).status).toBe("completed");
    expect((await jobStats(job)).stats.created).toBeGreaterThan(0);

    // The answer to a made-up item is the answer to a key id Plaid does not know for one of ours: it does not
    // say whether the item exists (the latter is asked of Plaid, once).
    const unknownKid = kid();
    const forOurs = await post(ours, await sign(ours, { key: forger.privateKey, kid: unknownKid }), nextIp());
    expect(keyGets - gets).toBe(2);
    const madeUp = syncBody(`item-${crypto.randomUUID()}`);
    const forMadeUp = await post(madeUp, await sign(madeUp, { key: forger.privateKey, kid: unknownKid }), nextIp());
    expect(keyGets - gets).toBe(2);
    const answer = async (res: Response) => {
      const { error } = (await res.json()) as any;
      return { status: res.status, code: error.code, message: error.message, details: error.details };
    };
    expect(await answer(forMadeUp)).toEqual(await answer(forOurs));

    // Plaid's own webhook for an item we do not hold, under a key we have not fetched, is refused the same way
    // (nothing would come of it); once the key is cached, it is acknowledged and ignored as before.
    const later = await generateKeyPair("ES256", { extractable: true });
    const laterKid = `kid-${crypto.randomUUID()}`;
    await publish(laterKid, later.publicKey);
    const stranger = syncBody("item-unknown");
    expect((await post(stranger, await sign(stranger, { key: later.privateKey, kid: laterKid }), plaidAddress)).status).toBe(401);
    expect(keyGets - gets).toBe(2);
    const ack = ackBody(known.itemId);
    expect((await post(ack, await sign(ack, { key: later.privateKey, kid: laterKid }), plaidAddress)).status).toBe(200);
    expect(keyGets - gets).toBe(3);
    const ignored = await post(stranger, await sign(stranger, { key: later.privateKey, kid: laterKid }), plaidAddress);
    expect(await ignored.json()).toEqual({ received: true, action: "ignored" });
    expect(keyGets - gets).toBe(3);

    // A sender's answers under fresh key ids are the same sequence for a made-up item and one of ours: a 401 while
    // its own fetches last, then a 503 (review: only a held item spent them, so only it could ever reach the 503).
    const statuses = async (body: string) => {
      const ip = nextIp();
      const out: number[] = [];
      for (let i = 0; i <= perClient; i++) out.push((await post(body, await sign(body, { key: forger.privateKey, kid: kid() }), ip)).status);
      return out;
    };
    const forMadeUpItem = await statuses(syncBody(`item-${crypto.randomUUID()}`));
    expect(forMadeUpItem).toEqual([...Array(perClient).fill(401), 503]);
    expect(await statuses(ours)).toEqual(forMadeUpItem);
  });

  it("caps the fetches of unknown keys per sender and over all callers: forged key ids cannot drive unlimited calls to Plaid", { timeout: 60_000 }, async () => {
    // A forger holding one of our item ids (webhooks naming any other spend no fetch, as above).
    const body = ackBody(known.itemId);
    expect((await post(body, await sign(body))).status).toBe(200);
    const forger = await generateKeyPair("ES256", { extractable: true });
    let n = 0;
    /** Forged key ids from `ip`, each asked of Plaid and refused by it, until a cap answers 503; how many were asked. */
    const forgeUntilCapped = async (ip: string, most: number) => {
      for (let asked = 0; ; asked++) {
        const res = await post(body, await sign(body, { key: forger.privateKey, kid: `kid-forged-${n++}` }), ip);
        if (res.status === 503) return asked;
        expect(res.status, `forged kid from ${ip}`).toBe(401);
        expect(((await res.json()) as any).error.message).toMatch(/Unknown key id/);
        expect(asked).toBeLessThan(most);
      }
    };
    // One sender gets its own few fetches, and no more.
    const perClient = OUTBOUND_LIMITS.plaidWebhookKeyFetchPerClient.limit;
    expect(await forgeUntilCapped(nextIp(), perClient)).toBe(perClient);
    // Which leaves a key Plaid publishes, first seen now from Plaid's address, fetched and accepted.
    const rotated = await generateKeyPair("ES256", { extractable: true });
    await publish("kid-rotated-once", rotated.publicKey);
    expect((await post(body, await sign(body, { key: rotated.privateKey, kid: "kid-rotated-once" }))).status).toBe(200);
    // Many senders spend the fetches allowed over all callers: within the global cap, all told.
    const global = OUTBOUND_LIMITS.plaidWebhookKeyFetch.limit;
    let spent = 0;
    for (let senders = 0; senders <= global; senders++) {
      const asked = await forgeUntilCapped(nextIp(), perClient);
      spent += asked;
      if (asked < perClient) break;
    }
    expect(spent).toBeLessThanOrEqual(global);
    // Now a genuinely new key is not fetched (503 with Retry-After, which Plaid retries), nor cached.
    const next = await generateKeyPair("ES256", { extractable: true });
    await publish("kid-after-the-cap", next.publicKey);
    const capped = await post(body, await sign(body, { key: next.privateKey, kid: "kid-after-the-cap" }));
    expect(capped.status).toBe(503);
    expect(Number(capped.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await capped.json()) as any).error.code).toBe("PROVIDER_UNAVAILABLE");
    const uncached = await env.DB.prepare("SELECT kid FROM provider_webhook_keys WHERE provider = 'plaid' AND kid = 'kid-after-the-cap'").first();
    expect(uncached).toBeNull();
    // A cached key still verifies, and its daily re-check is not held back by the spent caps: it has its own
    // bucket, once an hour per key id.
    const fetchedAt = () => env.DB.prepare("SELECT fetched_at FROM provider_webhook_keys WHERE provider = 'plaid' AND kid = ?").bind(signer.kid).first<{ fetched_at: number }>().then((r) => r!.fetched_at);
    const setFetched = (at: number) => env.DB.prepare("UPDATE provider_webhook_keys SET fetched_at = ? WHERE provider = 'plaid' AND kid = ?").bind(at, signer.kid).run();
    await setFetched(Date.now() - 30 * 3_600_000);
    expect((await post(body, await sign(body))).status).toBe(200);
    expect(await fetchedAt()).toBeGreaterThan(Date.now() - 60_000);
    // Due again within the hour (as if that re-check had failed): used as it is, unchecked, up to 48 hours old.
    const dueForCheck = Date.now() - 36 * 3_600_000;
    await setFetched(dueForCheck);
    expect((await post(body, await sign(body))).status).toBe(200);
    expect(await fetchedAt()).toBe(dueForCheck);
    await setFetched(Date.now() - 49 * 3_600_000);
    expect((await post(body, await sign(body))).status).toBe(503);
    // Forgeries under a cached key id are refused by its signature, not by the cap.
    await setFetched(Date.now());
    expect((await post(body, await sign(body, { key: forger.privateKey }))).status).toBe(401);
  });

  it("SYNC_UPDATES_AVAILABLE enqueues a sync (twice: the same ledger), ITEM_LOGIN_REQUIRED needs reauth, update mode repairs it", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    await waitForJob(linked.jobId);
    const itemId = (await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(linked.connection.id).first<{ external_id: string }>())!.external_id;
    const accessToken = await plaidAccessToken(linked.connection.id);
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });

    const body = JSON.stringify({ webhook_type: "TRANSACTIONS", webhook_code: "SYNC_UPDATES_AVAILABLE", item_id: itemId, initial_update_complete: true, historical_update_complete: true, environment: "sandbox" });
    const first = await post(body, await sign(body));
    expect(first.status).toBe(200);
    const a1 = ((await first.json()) as any).action as string;
    expect(a1).toMatch(/^sync_enqueued:job_/);
    // The same webhook again (a second later: the same one signed in the same second is a replay, ignored), while the
    // first is queued: no second job.
    const second = await post(body, await sign(body, { iat: Math.floor(Date.now() / 1000) + 1 }));
    expect(((await second.json()) as any).action).toBe(a1.replace("sync_enqueued", "sync_in_progress"));
    const jobId = a1.split(":")[1]!;
    expect((await waitForJob(jobId)).status).toBe("completed");
    const afterFirst = await ledgerFingerprint(spaceId);
    // Delivered again after the sync finished: another sync runs and changes nothing.
    const third = await post(body, await sign(body, { iat: Math.floor(Date.now() / 1000) + 2 }));
    const job3 = ((await third.json()) as any).action.split(":")[1];
    expect((await waitForJob(job3)).status).toBe("completed");
    expect((await jobStats(job3)).stats).toMatchObject({ created: 0, updated: 0, corrections: 0, adjustments: 0, removed: 0 });
    expect(await ledgerFingerprint(spaceId)).toEqual(afterFirst);
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // The institution wants the user to sign in again (Plaid holds the item in error, and says so).
    await plaidControl("item/reset_login", { access_token: accessToken });
    const loginBody = JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: itemId, error: { error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED", error_message: "login required" }, environment: "sandbox" });
    expect(((await (await post(loginBody, await sign(loginBody))).json()) as any).action).toBe("reauth_required");
    let list = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
    expect(list.body.connections[0]).toMatchObject({ status: "reauth_required" });
    // A sync meanwhile fails with the provider's reason and leaves it reauth_required.
    const failed = await syncNow(linked.connection.id);
    expect(await jobStats(failed)).toMatchObject({ status: "failed" });
    expect((await jobStats(failed)).error).toMatch(/ITEM_LOGIN_REQUIRED/);
    // Its words say so too (a QA run read "Synced 0 transactions" on a failed job).
    const failedJob = await callJson(`/v1/sync-jobs/${failed}`, as(owner));
    expect(failedJob.body).toMatchObject({ status: "failed", message: "Sync failed" });
    expect((await callJson(`/v1/sync-jobs/${linked.jobId}`, as(owner))).body.message).toMatch(/^Synced \d+ transactions$/);
    // Update mode: a link token for the connection; finishing Link repairs the item; the next sync makes it active.
    const link = await callJson("/v1/providers/plaid/link-token", { ...as(owner), body: { spaceId, connectionId: linked.connection.id } });
    expect(link.status).toBe(200);
    expect(link.body.mode).toBe("update");
    await plaidControl("link/complete", { link_token: link.body.linkToken });
    const repaired = await syncNow(linked.connection.id);
    expect((await jobStats(repaired)).status).toBe("completed");
    list = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
    expect(list.body.connections[0]).toMatchObject({ status: "active", statusReason: null });
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("LOGIN_REPAIRED makes the connection active and syncs it at once, not at the next hourly sweep", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    await waitForJob(linked.jobId);
    const itemId = (await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(linked.connection.id).first<{ external_id: string }>())!.external_id;
    const accessToken = await plaidAccessToken(linked.connection.id);
    await plaidControl("item/reset_login", { access_token: accessToken });
    const loginBody = JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: itemId, error: { error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED", error_message: "login required" }, environment: "sandbox" });
    expect(((await (await post(loginBody, await sign(loginBody))).json()) as any).action).toBe("reauth_required");
    // While it waited for the user, the bank had new transactions.
    await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });
    // The user signs in again in Link's update mode; Plaid says so.
    const link = await callJson("/v1/providers/plaid/link-token", { ...as(owner), body: { spaceId, connectionId: linked.connection.id } });
    await plaidControl("link/complete", { link_token: link.body.linkToken });
    const repairedBody = JSON.stringify({ webhook_type: "ITEM", webhook_code: "LOGIN_REPAIRED", item_id: itemId, environment: "sandbox" });
    const repaired = await post(repairedBody, await sign(repairedBody));
    expect(repaired.status).toBe(200);
    const action = ((await repaired.json()) as any).action as string;
    expect(action).toMatch(/^active;sync_enqueued:job_/);
    const job = await waitForJob(action.split(":")[1]!);
    expect(job.status).toBe("completed");
    const list = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
    expect(list.body.connections[0]).toMatchObject({ status: "active", statusReason: null });
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

/** The same token with its ECDSA signature rewritten as (r, n - s): as valid, and another string. */
function malleated(token: string): string {
  const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const bytes = base64url.decode(signature);
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  const s2 = (N - BigInt(`0x${hex(bytes.slice(32))}`)).toString(16).padStart(64, "0");
  const out = new Uint8Array(64);
  out.set(bytes.slice(0, 32));
  for (let i = 0; i < 32; i++) out[32 + i] = parseInt(s2.slice(2 * i, 2 * i + 2), 16);
  return `${header}.${payload}.${base64url.encode(out)}`;
}

/** A webhook's answer: 200, and the action it says it took. */
const actionOf = async (res: Response) => {
  expect(res.status).toBe(200);
  return ((await res.json()) as any).action as string;
};

/** A Plaid item linked through the API, its first sync done. */
async function linked() {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  const itemId = (await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(l.connection.id).first<{ external_id: string }>())!.external_id;
  return { owner, spaceId, connectionId: l.connection.id as string, itemId, accessToken: await plaidAccessToken(l.connection.id) };
}

describe("a late or replayed ITEM_LOGIN_REQUIRED", () => {
  const loginBody = (itemId: string) =>
    JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: itemId, error: { error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED", error_message: "login required" }, environment: "sandbox" });
  const connection = (id: string) => env.DB.prepare("SELECT status, status_reason FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null }>();

  it("after the item was repaired: the same webhook again is ignored as a replay (its signature rewritten too), a late one is checked with Plaid and ignored; the connection stays active and syncs", { timeout: 90_000 }, async () => {
    const s = await linked();
    await plaidControl("item/reset_login", { access_token: s.accessToken });
    const body = loginBody(s.itemId);
    // Signed a second ago: the genuine late copy signed below (now) is then another token however fast this runs (signed
    // in the same second, its signed part, body and iat, would be this one's, and it would be ignored as a replay).
    const token = await sign(body, { iat: Math.floor(Date.now() / 1000) - 1 });
    expect(await actionOf(await post(body, token))).toBe("reauth_required");
    expect(await connection(s.connectionId)).toEqual({ status: "reauth_required", status_reason: "ERROR: ITEM_LOGIN_REQUIRED" });

    // The user repairs the login in Link's update mode; Plaid says LOGIN_REPAIRED, and the sync it starts completes.
    const link = await callJson("/v1/providers/plaid/link-token", { ...as(s.owner), body: { spaceId: s.spaceId, connectionId: s.connectionId } });
    await plaidControl("link/complete", { link_token: link.body.linkToken });
    const repairedBody = JSON.stringify({ webhook_type: "ITEM", webhook_code: "LOGIN_REPAIRED", item_id: s.itemId, environment: "sandbox" });
    const repaired = await actionOf(await post(repairedBody, await sign(repairedBody)));
    expect(repaired).toMatch(/^active;sync_enqueued:job_/);
    expect((await waitForJob(repaired.split(":")[1]!)).status).toBe("completed");
    expect(await connection(s.connectionId)).toEqual({ status: "active", status_reason: null });

    // The first webhook replayed, exactly and with its signature rewritten (still a valid one), within its 5 minutes.
    expect(await actionOf(await post(body, token))).toBe("ignored:replayed");
    expect(await actionOf(await post(body, malleated(token)))).toBe("ignored:replayed");
    // A genuine one sent late (signed now): Plaid holds the item healthy, so it changes nothing.
    expect(await actionOf(await post(body, await sign(body)))).toBe("ignored:item_healthy");
    expect(await connection(s.connectionId)).toEqual({ status: "active", status_reason: null });
    // It still syncs when Plaid says there is something new.
    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 1 });
    const sync = syncBody(s.itemId);
    const next = await actionOf(await post(sync, await sign(sync)));
    expect(next).toMatch(/^sync_enqueued:job_/);
    expect((await waitForJob(next.split(":")[1]!)).status).toBe("completed");
    expect(await connection(s.connectionId)).toEqual({ status: "active", status_reason: null });
    // Each webhook's token is remembered by its signed part until it would be refused as too old anyway.
    const receipt = await env.DB.prepare("SELECT expires_at FROM provider_webhook_receipts WHERE provider = 'plaid' AND token_hash = ?")
      .bind(await sha256Hex(token.split(".").slice(0, 2).join(".")))
      .first<{ expires_at: number }>();
    expect(receipt!.expires_at).toBeGreaterThan(Date.now() + 5 * 60_000);
    expect(receipt!.expires_at).toBeLessThan(Date.now() + 10 * 60_000);
  });

  it("for an item that never lost its login leaves it active", { timeout: 60_000 }, async () => {
    const s = await linked();
    const body = loginBody(s.itemId);
    expect(await actionOf(await post(body, await sign(body)))).toBe("ignored:item_healthy");
    expect(await connection(s.connectionId)).toEqual({ status: "active", status_reason: null });
  });

  it("while Plaid cannot be asked: a sync finds out, the connection reauth_required only if the item needs its login", { timeout: 90_000 }, async () => {
    const healthy = await linked();
    const broken = await linked();
    await plaidControl("item/reset_login", { access_token: broken.accessToken });
    itemGetDown = true;
    try {
      const a = await actionOf(await post(loginBody(healthy.itemId), await sign(loginBody(healthy.itemId))));
      const b = await actionOf(await post(loginBody(broken.itemId), await sign(loginBody(broken.itemId))));
      expect(a).toMatch(/^unconfirmed;sync_enqueued:job_/);
      expect(b).toMatch(/^unconfirmed;sync_enqueued:job_/);
      expect((await waitForJob(a.split(":")[1]!)).status).toBe("completed");
      expect((await waitForJob(b.split(":")[1]!)).status).toBe("failed");
    } finally {
      itemGetDown = false;
    }
    expect(await connection(healthy.connectionId)).toEqual({ status: "active", status_reason: null });
    expect((await connection(broken.connectionId))!.status).toBe("reauth_required");
  });
});

describe("PENDING_EXPIRATION and PENDING_DISCONNECT: a week's warning, not a stop", () => {
  const row = (id: string) =>
    env.DB.prepare("SELECT status, status_reason, notice_until FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null; notice_until: number | null }>();
  const send = async (body: Record<string, unknown>) => {
    const text = JSON.stringify({ environment: "sandbox", ...body });
    return actionOf(await post(text, await sign(text)));
  };
  const syncOnce = async (s: { itemId: string; accessToken: string }) => {
    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 1 });
    const action = await send({ webhook_type: "TRANSACTIONS", webhook_code: "SYNC_UPDATES_AVAILABLE", item_id: s.itemId, initial_update_complete: true, historical_update_complete: true });
    // It was ignored while the connection was set to reauth_required: a week of data only by hand.
    expect(action).toMatch(/^sync_enqueued:job_/);
    expect((await waitForJob(action.split(":")[1]!)).status).toBe("completed");
  };

  it("the connection stays active and keeps syncing, its reason the warning until the end, then cleared by a sync", { timeout: 120_000 }, async () => {
    const s = await linked();
    const ends = new Date(Math.floor(Date.now() / 1000) * 1000 + 6 * 86_400_000).toISOString();
    expect(await send({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: s.itemId, consent_expiration_time: ends })).toBe("notice");
    const warned = await row(s.connectionId);
    expect(warned).toMatchObject({ status: "active", notice_until: Date.parse(ends) });
    expect(warned!.status_reason).toBe(
      `PENDING_EXPIRATION: the institution's consent expires at ${ends} unless the user renews it in Link's update mode (POST /v1/providers/plaid/link-token with this connectionId); it keeps syncing until then`,
    );
    // The hourly sweep and Plaid's sync webhooks still sync it, and a sync's success keeps the warning.
    await syncOnce(s);
    expect(await row(s.connectionId)).toEqual(warned);
    const listed = await callJson(`/v1/providers/connections?spaceId=${s.spaceId}`, as(s.owner));
    expect(listed.body.connections[0]).toMatchObject({ status: "active", statusReason: warned!.status_reason });
    // Past its time (renewed, or the item then fails its login and the sync says so), a success clears it.
    await env.DB.prepare("UPDATE provider_connections SET notice_until = ? WHERE id = ?").bind(Date.now() - 1, s.connectionId).run();
    await syncOnce(s);
    expect(await row(s.connectionId)).toEqual({ status: "active", status_reason: null, notice_until: null });
  });

  it("a sync that fails while the warning holds shows its error, and the next success shows the warning again (it was lost: Plaid sends it once)", { timeout: 120_000 }, async () => {
    const s = await linked();
    const ends = new Date(Math.floor(Date.now() / 1000) * 1000 + 6 * 86_400_000).toISOString();
    expect(await send({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: s.itemId, consent_expiration_time: ends })).toBe("notice");
    const warned = (await row(s.connectionId))!;
    expect(warned.status_reason).toMatch(/^PENDING_EXPIRATION: the institution's consent expires at /);
    // The institution fails for a while: the connection says so meanwhile.
    expect(await send({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: s.itemId, error: { error_type: "INSTITUTION_ERROR", error_code: "INSTITUTION_DOWN" } })).toBe("error");
    expect(await row(s.connectionId)).toMatchObject({ status: "error", status_reason: "ITEM ERROR: INSTITUTION_DOWN" });
    // Back: the access still ends at the same time unless renewed, and the connection says so again.
    await syncOnce(s);
    expect(await row(s.connectionId)).toEqual(warned);
    // A warning that arrives while the connection is in error is kept too: the error stays its reason until a success.
    expect(await send({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: s.itemId, error: { error_type: "INSTITUTION_ERROR", error_code: "INSTITUTION_DOWN" } })).toBe("error");
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 86_400_000).toISOString();
    expect(await send({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: s.itemId, consent_expiration_time: later })).toBe("notice");
    expect(await row(s.connectionId)).toMatchObject({ status: "error", status_reason: "ITEM ERROR: INSTITUTION_DOWN", notice_until: Date.parse(later) });
    await syncOnce(s);
    expect(await row(s.connectionId)).toEqual({ ...warned, status_reason: warned.status_reason!.replace(ends, later), notice_until: Date.parse(later) });
    // Update mode's repair (LOGIN_REPAIRED) ends it, as any move but an error does.
    expect(await send({ webhook_type: "ITEM", webhook_code: "LOGIN_REPAIRED", item_id: s.itemId })).toMatch(/^active;sync_/);
    expect(await row(s.connectionId)).toEqual({ status: "active", status_reason: null, notice_until: null });
  });

  it("USER_ACCOUNT_REVOKED (one account) leaves the connection active for the others, naming the account; it set the whole connection reauth_required", { timeout: 120_000 }, async () => {
    const s = await linked();
    const one = (await env.DB.prepare("SELECT account_id, provider_account_id FROM provider_accounts WHERE connection_id = ? ORDER BY account_id LIMIT 1")
      .bind(s.connectionId)
      .first<{ account_id: string; provider_account_id: string }>())!;
    expect(await send({ webhook_type: "ITEM", webhook_code: "USER_ACCOUNT_REVOKED", item_id: s.itemId, account_id: one.provider_account_id })).toBe("notice");
    const r = (await row(s.connectionId))!;
    expect(r.status).toBe("active");
    expect(r.status_reason).toContain(`revoked access to account ${one.account_id} at the institution`);
    await syncOnce(s);
    expect((await row(s.connectionId))!.status_reason).toBe(r.status_reason);
  });

  it("PENDING_DISCONNECT names Plaid's reason and holds a week; a time Plaid sends that is no time, past or far off holds a week; a connection not active is left as it is", { timeout: 120_000 }, async () => {
    const s = await linked();
    const before = Date.now();
    expect(await send({ webhook_type: "ITEM", webhook_code: "PENDING_DISCONNECT", item_id: s.itemId, reason: "INSTITUTION_MIGRATION" })).toBe("notice");
    const r = (await row(s.connectionId))!;
    expect(r.status).toBe("active");
    expect(r.status_reason).toMatch(/^PENDING_DISCONNECT: Plaid will disconnect this item \(INSTITUTION_MIGRATION\) at \d{4}-\d\d-\d\dT/);
    expect(r.notice_until).toBeGreaterThanOrEqual(before + 7 * 86_400_000);
    expect(r.notice_until).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    for (const consent_expiration_time of ["next week", "2001-01-01T00:00:00Z", "2999-01-01T00:00:00Z", 17]) {
      const sent = Date.now();
      expect(await send({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: s.itemId, consent_expiration_time })).toBe("notice");
      const until = (await row(s.connectionId))!.notice_until!;
      expect(until, String(consent_expiration_time)).toBeGreaterThanOrEqual(sent + 7 * 86_400_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    }
    // A connection already waiting for its login keeps that, and its reason.
    await plaidControl("item/reset_login", { access_token: s.accessToken });
    const login = JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: s.itemId, error: { error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED", error_message: "login required" }, environment: "sandbox" });
    expect(await actionOf(await post(login, await sign(login)))).toBe("reauth_required");
    expect(await row(s.connectionId)).toEqual({ status: "reauth_required", status_reason: "ERROR: ITEM_LOGIN_REQUIRED", notice_until: null });
    expect(await send({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: s.itemId, consent_expiration_time: null })).toBe("ignored:not_active");
    expect(await row(s.connectionId)).toEqual({ status: "reauth_required", status_reason: "ERROR: ITEM_LOGIN_REQUIRED", notice_until: null });
  });
});
