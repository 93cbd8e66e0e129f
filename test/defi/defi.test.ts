/**
 * DeFi wallets and positions through the real app and the Zapper simulator:
 * EIP-55 validation at the route, positions with a summary by protocol and
 * network, idempotent syncs, failures recorded without losing positions, and
 * holdings for net worth counted once.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { createDb } from "../../src/db/client";
import { defiHoldings } from "../../src/modules/defi/holdings";
import { MAX_WALLETS_PER_SPACE, syncWallet, type WalletRow } from "../../src/modules/defi/service";
import { addMember, callJson, createSpace, eventually, registerUser, type TestUser } from "../helpers";

const LOWER = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
const CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

async function setup() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  return { owner, spaceId: space.id };
}

async function connect(u: TestUser, spaceId: string, address = LOWER, networks?: string[]) {
  return callJson("/v1/defi/wallets", { ...as(u), body: { spaceId, address, label: "Main DeFi Wallet", ...(networks ? { networks } : {}) } });
}

async function positionRows(spaceId: string) {
  return (await env.DB.prepare("SELECT id, position_key, total_value_usd, baseline_value_usd, tokens FROM defi_positions WHERE space_id = ? ORDER BY id").bind(spaceId).all()).results;
}

describe("POST /v1/defi/wallets", () => {
  it("accepts a lowercase address, returns it checksummed and syncs its positions", async () => {
    const { owner, spaceId } = await setup();
    const { status, body } = await connect(owner, spaceId);
    expect(status).toBe(201);
    expect(body.wallet).toMatchObject({ address: CHECKSUMMED, label: "Main DeFi Wallet", networks: ["ethereum", "polygon", "arbitrum"], lastSyncStatus: "ok" });
    expect(body.sync).toMatchObject({ status: "ok", error: null });
    expect(body.sync.positions).toBeGreaterThanOrEqual(2); // the simulator always reports the Uniswap pool and Lido staking
    expect((await positionRows(spaceId)).length).toBe(body.sync.positions);
  });

  it("refuses a wrong checksum with 422, and a duplicate with 409", async () => {
    const { owner, spaceId } = await setup();
    const bad = await connect(owner, spaceId, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: "address", code: "INVALID_ADDRESS" })]);
    expect((await connect(owner, spaceId, "0x1234")).status).toBe(422);
    expect((await connect(owner, spaceId, CHECKSUMMED)).status).toBe(201);
    const dup = await connect(owner, spaceId, LOWER);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("DUPLICATE_RESOURCE");
  });

  it("connects at most 25 wallets a space (a sync request syncs them all), counted with the insert", async () => {
    const { owner, spaceId } = await setup();
    // 24 already there (written directly: the sync policy allows 5 connects a minute), then the API.
    const now = Date.now();
    for (let i = 0; i < MAX_WALLETS_PER_SPACE - 1; i++) {
      await env.DB.prepare("INSERT INTO defi_wallets (id, space_id, address, label, networks, created_by, created_at, updated_at) VALUES (?, ?, ?, 'W', '[\"ethereum\"]', ?, ?, ?)")
        .bind(`dfw_cap${String(i).padStart(4, "0")}${spaceId}`, spaceId, `0x${String(i + 1).padStart(40, "0")}`, owner.id, now, now).run();
    }
    expect((await connect(owner, spaceId)).status).toBe(201);
    const over = await connect(owner, spaceId, "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    expect(over.status).toBe(422);
    expect(over.body.error.details).toEqual([expect.objectContaining({ field: "spaceId", code: "LIMIT_REACHED" })]);
    expect((await connect(owner, spaceId, LOWER)).status).toBe(409);
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM defi_wallets WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!;
    expect(n).toBe(MAX_WALLETS_PER_SPACE);
  });

  it("a disconnected wallet takes its positions with it and frees its place under the cap; strangers get 404, viewers 403", async () => {
    const { owner, spaceId } = await setup();
    const connected = await connect(owner, spaceId);
    expect(connected.status).toBe(201);
    const walletId = connected.body.wallet.id as string;
    expect((await positionRows(spaceId)).length).toBeGreaterThan(0);
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    expect((await callJson(`/v1/defi/wallets/${walletId}`, { ...as(viewer), method: "DELETE" })).status).toBe(403);
    const stranger = await registerUser();
    const foreign = await callJson(`/v1/defi/wallets/${walletId}`, { ...as(stranger), method: "DELETE" });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toContain("Wallet");
    expect((await callJson(`/v1/defi/wallets/${walletId}`, { ...as(owner), method: "DELETE" })).status).toBe(204);
    expect(await positionRows(spaceId)).toEqual([]);
    const gaming = await env.DB.prepare("SELECT COUNT(*) AS n FROM gaming_positions WHERE wallet_id = ?").bind(walletId).first<{ n: number }>();
    expect(gaming!.n).toBe(0);
    expect((await callJson(`/v1/defi/wallets/${walletId}`, { ...as(owner), method: "DELETE" })).status).toBe(404);
    expect((await connect(owner, spaceId)).status).toBe(201);
  });

  it("a sync that read the wallet before it was disconnected leaves none of its rows", async () => {
    const { owner, spaceId } = await setup();
    const connected = await connect(owner, spaceId);
    const walletId = connected.body.wallet.id as string;
    const row = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE id = ?").bind(walletId).first<WalletRow>())!;
    expect((await callJson(`/v1/defi/wallets/${walletId}`, { ...as(owner), method: "DELETE" })).status).toBe(204);
    // The sync's provider calls were under way: its writes land after the delete.
    const svc = { env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    const late = await syncWallet(svc, row);
    expect(late.status).toBe("ok");
    for (const table of ["defi_positions", "gaming_positions", "gaming_earnings"]) {
      const { n } = (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE wallet_id = ?`).bind(walletId).first<{ n: number }>())!;
      expect(n, table).toBe(0);
    }
  });

  it("needs a member: a viewer is refused (403), an outsider sees nothing (404)", async () => {
    const { owner, spaceId } = await setup();
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    expect((await connect(viewer, spaceId)).status).toBe(403);
    const outsider = await registerUser();
    expect((await connect(outsider, spaceId)).status).toBe(404);
    expect((await callJson(`/v1/defi/positions?spaceId=${spaceId}`, as(outsider))).status).toBe(404);
  });
});

describe("GET /v1/defi/positions", () => {
  it("lists positions with tokens, APY and a summary by protocol and network that adds up exactly", async () => {
    const { owner, spaceId } = await setup();
    await connect(owner, spaceId);
    const { status, body } = await callJson(`/v1/defi/positions?spaceId=${spaceId}`, as(owner));
    expect(status).toBe(200);
    const uni = body.positions.find((p: any) => p.protocol === "uniswap-v3");
    expect(uni).toMatchObject({ network: "ethereum", type: "liquidity-pool", label: "ETH / USDC", apy: 12.5, apyDecimal: "12.5", unrealizedGain: 0, stale: false, walletAddress: CHECKSUMMED });
    expect(uni.tokens.map((t: any) => t.symbol)).toEqual(["ETH", "USDC"]);
    const tokenCents = uni.tokens.reduce((a: number, t: any) => a + Math.round(Number(t.balanceUSDDecimal) * 100), 0);
    expect(Math.round(Number(uni.totalValueUSDDecimal) * 100)).toBe(tokenCents);
    expect(body.positions.find((p: any) => p.protocol === "lido")).toMatchObject({ type: "staking", network: "ethereum" });

    const cents = (d: string) => Math.round(Number(d) * 100);
    const total = body.positions.reduce((a: number, p: any) => a + cents(p.totalValueUSDDecimal), 0);
    expect(cents(body.summary.totalValueUSDDecimal)).toBe(total);
    expect(Object.values(body.summary.byProtocolDecimal).reduce((a: number, d: any) => a + cents(d), 0)).toBe(total);
    expect(Object.values(body.summary.byNetworkDecimal).reduce((a: number, d: any) => a + cents(d), 0)).toBe(total);

    const eth = await callJson(`/v1/defi/positions?spaceId=${spaceId}&network=ethereum`, as(owner));
    expect(eth.body.positions.length).toBeGreaterThan(0);
    expect(eth.body.positions.every((p: any) => p.network === "ethereum")).toBe(true);
    expect(Object.keys(eth.body.summary.byNetwork)).toEqual(["ethereum"]);
    const lido = await callJson(`/v1/defi/positions?spaceId=${spaceId}&protocol=lido`, as(owner));
    expect(lido.body.positions.map((p: any) => p.protocol)).toEqual(["lido"]);
  });

  it("asks the provider only for the wallet's networks", async () => {
    const { owner, spaceId } = await setup();
    await connect(owner, spaceId, LOWER, ["polygon"]);
    const { body } = await callJson(`/v1/defi/positions?spaceId=${spaceId}`, as(owner));
    expect(body.positions.every((p: any) => p.network === "polygon")).toBe(true);
  });
});

describe("POST /v1/defi/sync", () => {
  it("is idempotent: syncing again keeps the same positions, ids and values", async () => {
    const { owner, spaceId } = await setup();
    const created = await connect(owner, spaceId);
    const before = await positionRows(spaceId);
    for (let i = 0; i < 2; i++) {
      const { status, body } = await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } });
      expect(status).toBe(200);
      expect(body.results).toEqual([expect.objectContaining({ walletId: created.body.wallet.id, status: "ok", positions: before.length })]);
    }
    expect(await positionRows(spaceId)).toEqual(before);
    const unknown = await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId, walletIds: ["wal_nope"] } });
    expect(unknown.status).toBe(404);
  });

  it("records a provider failure and keeps the last positions", async () => {
    const { owner, spaceId } = await setup();
    await connect(owner, spaceId);
    const before = await positionRows(spaceId);
    const wallet = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE space_id = ?").bind(spaceId).first<WalletRow>())!;
    const svc = { env: { ...env, ZAPPER_API_KEY: "invalid" } as Env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    const r = await syncWallet(svc, wallet);
    expect(r).toMatchObject({ status: "failed", error: "Zapper answered 401" });
    expect(await positionRows(spaceId)).toEqual(before);
    const { body } = await callJson(`/v1/defi/positions?spaceId=${spaceId}`, as(owner));
    expect(body.wallets[0]).toMatchObject({ lastSyncStatus: "failed", lastSyncError: "Zapper answered 401" });
  });

  it("binds a walletIds list past D1's 100 parameters as one value", async () => {
    const { owner, spaceId } = await setup();
    const created = await connect(owner, spaceId);
    const id = created.body.wallet.id;
    const many = [id, ...Array.from({ length: 149 }, (_, i) => `wal_missing${i}`)];
    expect((await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId, walletIds: many } })).status).toBe(404);
    const repeated = Array.from({ length: 150 }, () => id);
    const ok = await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId, walletIds: repeated } });
    expect(ok.status).toBe(200);
    expect(ok.body.results.map((r: any) => r.walletId)).toEqual([id]);
  });

  it("applies the sync policy (5 a minute per space)", async () => {
    const { owner, spaceId } = await setup();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe("daily cron", () => {
  it("re-syncs every wallet at 04:00, one queue message a wallet, without duplicating positions", async () => {
    const { owner, spaceId } = await setup();
    await connect(owner, spaceId);
    await connect(owner, spaceId, "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    const before = await positionRows(spaceId);
    await env.DB.prepare("UPDATE defi_wallets SET last_synced_at = 1 WHERE space_id = ?").bind(spaceId).run();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "0 4 * * *" }), env);
    // The cron only sends the messages; the queue's consumer (this Worker) syncs each wallet.
    const synced = await eventually(async () => {
      const { results } = await env.DB.prepare("SELECT last_synced_at, last_sync_status FROM defi_wallets WHERE space_id = ?").bind(spaceId)
        .all<{ last_synced_at: number; last_sync_status: string }>();
      return results.every((w) => w.last_synced_at > 1) && results;
    });
    expect(synced.map((w) => w.last_sync_status)).toEqual(["ok", "ok"]);
    expect(await positionRows(spaceId)).toEqual(before);
  });
});

describe("defiHoldings", () => {
  it("counts each position once, however many syncs, in USD minor units", async () => {
    const { owner, spaceId } = await setup();
    await connect(owner, spaceId);
    await connect(owner, spaceId, "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } });
    const svc = { env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    const holdings = await defiHoldings(svc, spaceId, Date.now());
    const rows = await positionRows(spaceId);
    expect(holdings.length).toBe(rows.length);
    expect(new Set(holdings.map((h) => h.id)).size).toBe(holdings.length);
    expect(holdings.every((h) => h.source === "defi" && h.currency === "USD" && h.stale === false)).toBe(true);
    const { body } = await callJson(`/v1/defi/positions?spaceId=${spaceId}`, as(owner));
    expect(holdings.reduce((a, h) => a + h.valueMinor, 0n)).toBe(BigInt(body.summary.totalValueUSDDecimal.replace(".", "")));
    // Before the positions were first seen, there was nothing to count.
    expect(await defiHoldings(svc, spaceId, Date.now() - 3_600_000)).toEqual([]);
  });
});
