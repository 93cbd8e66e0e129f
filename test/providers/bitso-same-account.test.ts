/**
 * One Bitso account linked twice in a space (two API keys of it, or a key and its successor) imports every wallet and
 * trade twice, and the API key's login key cannot tell: it differs between two keys of one account. Bitso's account
 * status says which account a key is (its `client_id`, the same for every key of the account): a connect of an
 * account a live connection of the space holds is a 409 that leaves nothing, and a pair linked before connects could
 * compare them is resolved at the sync that learns or compares the id, keeping the older. In the simulator, keys
 * issued with one seed are keys of one account.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openCredentials } from "../../src/modules/providers/connections";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, jobStats, liveRows, syncNow, waitForJob } from "./helpers";

/** A user and a space in pesos, Bitso's currency: its net worth needs no exchange rate. */
async function ownerWithSpace() {
  const owner = await registerUser();
  return { owner, spaceId: (await createSpace(owner, { currency: "MXN" })).id };
}

const connect = (owner: TestUser, spaceId: string, apiKey: string) => callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey, apiSecret: "secret" } });

/** Another API key of the Bitso account of `key` (the user issues a second key in Bitso's app). */
async function anotherKey(key: string) {
  const k = (await env.DB.prepare("SELECT seed, created_at FROM sandbox_bitso_keys WHERE api_key = ?").bind(key).first<{ seed: string; created_at: number }>())!;
  return keyOfAccount(k.seed, k.created_at);
}
async function keyOfAccount(seed: string, createdAt = Date.now()) {
  const apiKey = `key-${crypto.randomUUID()}`;
  await env.DB.prepare("INSERT INTO sandbox_bitso_keys (api_key, api_secret, seed, created_at) VALUES (?, 'secret', ?, ?)").bind(apiKey, seed, createdAt).run();
  return apiKey;
}

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const rowsOf = (spaceId: string) => count("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ?", spaceId);
const summary = async (owner: TestUser, spaceId: string) => (await callJson(`/v1/accounts/summary?spaceId=${spaceId}`, as(owner))).body as { totalCount: number; activeCount: number };
const netWorthNow = async (owner: TestUser, spaceId: string) =>
  (await callJson(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`, as(owner))).body.netWorth.currentDecimal as string;
const connectionsOf = async (owner: TestUser, spaceId: string) =>
  (await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner))).body.connections as { id: string; status: string; statusReason: string | null; accountIds: string[] }[];

/**
 * Two live connections of one account, linked before connects compared client ids: the first's id unknown (made
 * before it was kept) and its key failing while the second connected, so that connect could not ask Bitso.
 */
async function legacyPair(owner: TestUser, spaceId: string) {
  const key1 = `key-${crypto.randomUUID()}`;
  const first = await connect(owner, spaceId, key1);
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  await waitForJob(first.body.jobId);
  const once = await netWorthNow(owner, spaceId);
  const older = first.body.connection.id as string;
  await env.DB.prepare("UPDATE provider_connections SET provider_client_id = NULL WHERE id = ?").bind(older).run();
  await env.DB.prepare("UPDATE sandbox_bitso_keys SET api_secret = 'revoked-for-now' WHERE api_key = ?").bind(key1).run();
  const second = await connect(owner, spaceId, await anotherKey(key1));
  expect(second.status, JSON.stringify(second.body)).toBe(201);
  expect((await waitForJob(second.body.jobId)).status).toBe("completed");
  await env.DB.prepare("UPDATE sandbox_bitso_keys SET api_secret = 'secret' WHERE api_key = ?").bind(key1).run();
  // The pair counts every wallet twice.
  expect(await summary(owner, spaceId)).toMatchObject({ totalCount: 6, activeCount: 6 });
  expect(Number(await netWorthNow(owner, spaceId))).toBeGreaterThan(Number(once));
  return { older, later: second.body.connection.id as string, once, key1 };
}

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** What a space shows of its Bitso account: net worth on each of the last 20 days, 30 days' cash flow, the trade history. */
async function history(owner: TestUser, spaceId: string) {
  const get = async (path: string) => (await callJson(path, as(owner))).body;
  const series = await get(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(20)}&to=${day(0)}&interval=day`);
  const dash = await get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`);
  const trades = (await get(`/v1/trades?spaceId=${spaceId}`)) as Record<string, string>[];
  return {
    netWorth: series.points.map((p: { date: string; netWorthDecimal: string }) => `${p.date} ${p.netWorthDecimal}`),
    cashFlow: [dash.cashFlow.incomeDecimal, dash.cashFlow.expensesDecimal],
    trades: trades.map((t) => [t.tradingSymbol, t.transactionType, t.exchangeTime, t.tradedQuantity, t.netAmount].join(" ")),
  };
}

describe("one Bitso account linked twice in a space", () => {
  it("a second key of a connected account is a 409 naming its connection that stores nothing; two keys at once leave one; after a disconnect, or in another space, it connects", { timeout: 180_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const key1 = `key-${crypto.randomUUID()}`;
    const first = await connect(owner, spaceId, key1);
    expect(first.status).toBe(201);
    await waitForJob(first.body.jobId);
    const firstId = first.body.connection.id as string;
    const accountsBefore = await summary(owner, spaceId);
    expect(accountsBefore).toMatchObject({ totalCount: 3, activeCount: 3 });

    const key2 = await anotherKey(key1);
    const again = await connect(owner, spaceId, key2);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("DUPLICATE_RESOURCE");
    expect(again.body.error.message).toBe(`This Bitso account is already connected in this space (connection ${firstId}).`);
    expect(JSON.stringify(again.body)).not.toContain(key2);
    // No connection row, so no credentials, and no account.
    expect(await rowsOf(spaceId)).toBe(1);
    expect(await summary(owner, spaceId)).toEqual(accountsBefore);

    // Two keys of another account at once: one connects, the other is told which.
    const seed = `account-${crypto.randomUUID()}`;
    const [k3, k4] = [await keyOfAccount(seed), await keyOfAccount(seed)];
    const both = await Promise.all([k3, k4].map((k) => connect(owner, spaceId, k)));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = both.find((r) => r.status === 201)!.body;
    expect(both.find((r) => r.status === 409)!.body.error.message).toContain(`connection ${won.connection.id}`);
    await waitForJob(won.jobId);
    expect(await rowsOf(spaceId)).toBe(2);
    expect(await summary(owner, spaceId)).toMatchObject({ totalCount: 6, activeCount: 6 });

    // Disconnected, the account connects again (a relink), with the key that was refused.
    expect((await callJson(`/v1/providers/connections/${firstId}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    const relinked = await connect(owner, spaceId, key2);
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(201);
    expect((await waitForJob(relinked.body.jobId)).status).toBe("completed");
    expect((await connectionsOf(owner, spaceId)).filter((c) => c.status !== "disconnected")).toHaveLength(2);

    // The same account in another space of the owner (a business one) is that space's own.
    const business = await callJson("/v1/spaces", { ...as(owner), body: { name: "Business", type: "business", currency: "MXN", timezone: "UTC" } });
    expect(business.status).toBe(201);
    const there = await connect(owner, business.body.id, await anotherKey(key1));
    expect(there.status, JSON.stringify(there.body)).toBe(201);
    expect((await waitForJob(there.body.jobId)).status).toBe("completed");
    expect(await summary(owner, business.body.id)).toMatchObject({ totalCount: 3, activeCount: 3 });
  });

  it("a connection made before its client id was kept is compared at connect: Bitso is asked with its key", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const key1 = `key-${crypto.randomUUID()}`;
    const first = await connect(owner, spaceId, key1);
    expect(first.status).toBe(201);
    await waitForJob(first.body.jobId);
    await env.DB.prepare("UPDATE provider_connections SET provider_client_id = NULL WHERE id = ?").bind(first.body.connection.id).run();
    const again = await connect(owner, spaceId, await anotherKey(key1));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(first.body.connection.id);
    expect(await rowsOf(spaceId)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM provider_connections WHERE id = ? AND provider_client_id IS NOT NULL", first.body.connection.id)).toBe(1);
  });

  it("a pair linked before connects compared: the sync that learns the older's client id retires the later, naming the kept one; it imports nothing more", { timeout: 180_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const { older, later, once } = await legacyPair(owner, spaceId);
    // The older's sync learns its id, which the later one holds: the later one is retired in its favour.
    expect((await jobStats(await syncNow(older))).status).toBe("completed");
    const connections = await connectionsOf(owner, spaceId);
    expect(connections.find((c) => c.id === older)).toMatchObject({ status: "active" });
    const retired = connections.find((c) => c.id === later)!;
    expect(retired.status).toBe("disconnected");
    expect(retired.statusReason).toContain(`This Bitso account is already connected in this space (connection ${older}).`);
    expect(retired.accountIds).toHaveLength(3);
    // Its wallets stay, inactive: the account counts once now.
    expect(await summary(owner, spaceId)).toMatchObject({ totalCount: 6, activeCount: 3 });
    expect(await netWorthNow(owner, spaceId)).toBe(once);
    const rows = (await liveRows(spaceId)).length;
    // Nothing more is imported for it; its credentials are gone.
    expect((await jobStats(await syncNow(later))).status).toBe("failed");
    expect((await liveRows(spaceId)).length).toBe(rows);
    const sealed = (await env.DB.prepare("SELECT credentials_enc FROM provider_connections WHERE id = ?").bind(later).first<{ credentials_enc: string }>())!;
    expect(await openCredentials(env, sealed)).toEqual({});
    expect((await jobStats(await syncNow(older))).status).toBe("completed");
    expect(await summary(owner, spaceId)).toMatchObject({ totalCount: 6, activeCount: 3 });
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a retired twin's history counts once: past net worth, cash flow and trades are those of the account connected once (review: only today's were)", { timeout: 180_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const { older, key1 } = await legacyPair(owner, spaceId);
    expect((await jobStats(await syncNow(older))).status).toBe("completed");
    // The same Bitso account connected once, in a space of its own.
    const alone = (await createSpace(owner, { currency: "MXN" })).id;
    const single = await connect(owner, alone, await anotherKey(key1));
    expect(single.status, JSON.stringify(single.body)).toBe(201);
    await waitForJob(single.body.jobId);
    const expected = await history(owner, alone);
    expect(expected.trades.length).toBeGreaterThan(5);
    expect(await history(owner, spaceId)).toEqual(expected);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a pair whose later connection syncs first: it asks Bitso for the older's client id, and retires itself naming it", { timeout: 180_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const { older, later, once } = await legacyPair(owner, spaceId);
    const rows = (await liveRows(spaceId)).length;
    const refused = await jobStats(await syncNow(later));
    expect(refused.status).toBe("failed");
    expect(refused.error).toContain(`This Bitso account is already connected in this space (connection ${older}).`);
    const connections = await connectionsOf(owner, spaceId);
    expect(connections.find((c) => c.id === older)).toMatchObject({ status: "active" });
    expect(connections.find((c) => c.id === later)).toMatchObject({ status: "disconnected", statusReason: refused.error });
    expect(await summary(owner, spaceId)).toMatchObject({ totalCount: 6, activeCount: 3 });
    expect(await netWorthNow(owner, spaceId)).toBe(once);
    expect((await liveRows(spaceId)).length).toBe(rows);
    expect((await jobStats(await syncNow(older))).status).toBe("completed");
  });

  it("a pair whose client ids are both unknown, synced at once: the older is kept, the later refused naming it", { timeout: 180_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const { older, later, once } = await legacyPair(owner, spaceId);
    await env.DB.prepare("UPDATE provider_connections SET provider_client_id = NULL WHERE space_id = ?").bind(spaceId).run();
    const rows = (await liveRows(spaceId)).length;
    const [keptJob, refusedJob] = await Promise.all([syncNow(older), syncNow(later)]);
    expect((await jobStats(keptJob)).status).toBe("completed");
    const refused = await jobStats(refusedJob);
    expect(refused.status).toBe("failed");
    expect(refused.error).toContain(`connection ${older}`);
    const connections = await connectionsOf(owner, spaceId);
    expect(connections.find((c) => c.id === older)).toMatchObject({ status: "active" });
    expect(connections.find((c) => c.id === later)).toMatchObject({ status: "disconnected" });
    expect(connections.find((c) => c.id === later)!.statusReason).toContain(`connection ${older}`);
    expect(await summary(owner, spaceId)).toMatchObject({ totalCount: 6, activeCount: 3 });
    expect(await netWorthNow(owner, spaceId)).toBe(once);
    expect((await liveRows(spaceId)).length).toBe(rows);
    // Both learnt the account: each knows its client id, the same.
    const ids = (await env.DB.prepare("SELECT DISTINCT provider_client_id AS id FROM provider_connections WHERE space_id = ?").bind(spaceId).all<{ id: string | null }>()).results;
    expect(ids).toHaveLength(1);
    expect(ids[0]!.id).not.toBeNull();
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
