/**
 * A DeFi or gaming data provider that never answers: the wallet's sync is not held until the platform's limit; at the
 * outbound deadline (OUTBOUND_TIMEOUT_MS, short here) it is recorded as failed with the reason, keeping the last
 * positions, and the next sync with the provider back succeeds. Through the real client and sync, the provider held
 * open in front of its simulator by the sandbox handler.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { createDb } from "../../src/db/client";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { syncWallet, type WalletRow } from "../../src/modules/defi/service";
import { callJson, createSpace, registerUser } from "../helpers";

let hanging: string | null = null;
/** Requests held open so far. */
let held = 0;

beforeAll(() => {
  registerSandboxHandler((request, e) => {
    if (hanging && new URL(request.url).pathname.startsWith(hanging)) {
      held++;
      return new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true }));
    }
    return app.fetch(request, e);
  });
});

afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

/**
 * The short deadline of these syncs. Every other call of the sync (the simulators that do answer) has it too: at
 * 0.2 s, one slowed by a loaded machine timed out as well, and the sync that should succeed did not.
 */
const DEADLINE_MS = "1000";

describe("a DeFi provider that never answers", () => {
  it("fails the wallet's sync at the deadline with the reason, keeps its positions, and the next sync succeeds", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const added = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", label: "Main" } });
    expect(added.status).toBe(201);
    const wallet = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE id = ?").bind(added.body.wallet.id).first<WalletRow>())!;
    const svc = { env: { ...env, OUTBOUND_TIMEOUT_MS: DEADLINE_MS } as Env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    hanging = "/sandbox/zapper";
    let result;
    const started = Date.now();
    try {
      result = await syncWallet(svc, wallet);
    } finally {
      hanging = null;
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result).toMatchObject({ status: "failed", error: "Zapper timed out after 1 s" });
    const positions = await callJson(`/v1/defi/positions?spaceId=${space.id}`, { token: owner.accessToken, ip: owner.ip });
    expect(positions.body.wallets[0]).toMatchObject({ lastSyncStatus: "failed", lastSyncError: "Zapper timed out after 1 s" });
    expect(await syncWallet(svc, wallet)).toMatchObject({ status: "ok" });
  });

  it("a gaming platform that never answers is skipped at the deadline; the wallet's DeFi positions still sync", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const added = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", label: "Main" } });
    const wallet = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE id = ?").bind(added.body.wallet.id).first<WalletRow>())!;
    const svc = { env: { ...env, OUTBOUND_TIMEOUT_MS: DEADLINE_MS } as Env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    hanging = "/sandbox/gaming";
    held = 0;
    const started = Date.now();
    try {
      expect(await syncWallet(svc, wallet)).toMatchObject({ status: "ok", error: null });
    } finally {
      hanging = null;
    }
    expect(held).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
