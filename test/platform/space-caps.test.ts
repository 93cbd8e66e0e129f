/**
 * Bounds on what one member can pile into a shared space: every account of a space is read by each listing of its
 * members' spaces, the summary, the dashboard, the forecast and the net worth, and every asset by the net worth, the
 * dashboard and (linked ones) a provider call in each daily refresh. Counted in the write's own batch, so concurrent
 * creations cannot pass the limit together; a refused creation leaves nothing behind; a retry of a creation that
 * committed before the space filled up is still replayed.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_ACCOUNTS_PER_SPACE } from "../../src/modules/accounts/account-cap";
import { MAX_ASSETS_PER_SPACE } from "../../src/modules/assets/schemas";
import { callJson, registerUser, type TestUser } from "../helpers";
import { api, ok } from "../analytics/fixture";
import { groupingLedger } from "../ledger/helpers";

async function newSpace(u: TestUser) {
  return (await ok(api(u).post("/v1/spaces", { name: "Full", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
}

/** `n` rows written straight to D1, 20 to a batch (the limit counts rows, not how they came). */
async function seedRows(n: number, row: (i: number) => D1PreparedStatement) {
  for (let i = 0; i < n; i += 20) await env.DB.batch(Array.from({ length: Math.min(20, n - i) }, (_, k) => row(i + k)));
}

const count = async (table: string, spaceId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE space_id = ?`).bind(spaceId).first<{ n: number }>())!.n;

describe("accounts per space", () => {
  it("stops at the limit under concurrent creates with a 422 that leaves nothing behind, and still replays a key", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = await newSpace(u);
    const now = Date.now();
    await seedRows(MAX_ACCOUNTS_PER_SPACE - 3, (i) =>
      env.DB.prepare("INSERT INTO accounts (id, space_id, name, type, currency, created_at, updated_at) VALUES (?, ?, 'seed', 'checking', 'USD', ?, ?)")
        .bind(`acc_seed${String(i).padStart(20, "0")}`, spaceId, now, now));
    // The first with an Idempotency-Key, alone: retried below once the space is full.
    const keyed = { spaceId, name: "Keyed", type: "checking", currency: "USD", openingBalance: "10.00" };
    const first = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: keyed, headers: { "idempotency-key": "cap-keyed" } });
    expect(first.status).toBe(201);
    const body = (i: number) => ({ spaceId, name: `New ${i}`, type: "savings", currency: "USD", openingBalance: "5.00" });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => a.post("/v1/accounts", body(i))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) {
      expect(r.body.error.details).toEqual([{ field: "spaceId", message: `A space may hold at most ${MAX_ACCOUNTS_PER_SPACE} accounts`, code: "LIMIT_REACHED" }]);
    }
    expect(await count("accounts", spaceId)).toBe(MAX_ACCOUNTS_PER_SPACE);
    // The refused ones booked no opening balance: the keyed one's and the two created ones' only.
    expect(await count("transactions", spaceId)).toBe(3);
    // The full space still answers the committed request's retry with its account, replayed.
    const retry = await callJson("/v1/accounts", { token: u.accessToken, ip: u.ip, body: keyed, headers: { "idempotency-key": "cap-keyed" } });
    expect([retry.status, retry.body.id, retry.res.headers.get("idempotency-replayed")]).toEqual([201, first.body.id, "true"]);
  });

  it("holds under a group commit: creations that queued behind a batch share one, every guard run before any row", async () => {
    const u = await registerUser();
    const spaceId = await newSpace(u);
    const now = Date.now();
    await seedRows(MAX_ACCOUNTS_PER_SPACE - 2, (i) =>
      env.DB.prepare("INSERT INTO accounts (id, space_id, name, type, currency, created_at, updated_at) VALUES (?, ?, 'seed', 'checking', 'USD', ?, ?)")
        .bind(`acc_grp${String(i).padStart(20, "0")}`, spaceId, now, now));
    const names = ["A", "B", "C", "D", "E"];
    const ledger = await groupingLedger(spaceId, { queued: names.length - 1 }); // the first creation's batch held until the rest queue
    const results = await Promise.all(names.map((name) => callJson("/v1/accounts", {
      token: u.accessToken, ip: u.ip, body: { spaceId, name, type: "savings", currency: "USD", openingBalance: "5.00" },
    }))).finally(() => ledger.restore());
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
    expect(await count("accounts", spaceId)).toBe(MAX_ACCOUNTS_PER_SPACE);
    expect(await count("transactions", spaceId)).toBe(2);
  });

  it("counts per space: another space of the same user takes new accounts", async () => {
    const u = await registerUser();
    const full = await newSpace(u);
    const now = Date.now();
    await seedRows(MAX_ACCOUNTS_PER_SPACE, (i) =>
      env.DB.prepare("INSERT INTO accounts (id, space_id, name, type, currency, created_at, updated_at) VALUES (?, ?, 'seed', 'checking', 'USD', ?, ?)")
        .bind(`acc_full${String(i).padStart(20, "0")}`, full, now, now));
    const account = (spaceId: string) => ({ spaceId, name: "One more", type: "checking", currency: "USD" });
    expect((await api(u).post("/v1/accounts", account(full))).status).toBe(422);
    expect((await api(u).post("/v1/accounts", account(await newSpace(u)))).status).toBe(201);
  });
});

describe("assets per space", () => {
  it("stops at the limit under concurrent creates with a 422 that leaves no asset or valuation behind; a deletion makes room", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = await newSpace(u);
    const now = Date.now();
    await seedRows(MAX_ASSETS_PER_SPACE - 2, (i) =>
      env.DB.prepare("INSERT INTO manual_assets (id, space_id, name, type, currency, created_at, updated_at) VALUES (?, ?, 'seed', 'other', 'USD', ?, ?)")
        .bind(`ast_seed${String(i).padStart(20, "0")}`, spaceId, now, now));
    const body = (i: number) => ({ spaceId, name: `Car ${i}`, type: "vehicle", currency: "USD", value: "1000.00" });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => a.post("/v1/assets", body(i))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 422, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) {
      expect(r.body.error.details).toEqual([
        { field: "spaceId", message: `A space may have at most ${MAX_ASSETS_PER_SPACE} assets; delete one first`, code: "LIMIT_REACHED" },
      ]);
    }
    expect(await count("manual_assets", spaceId)).toBe(MAX_ASSETS_PER_SPACE);
    // Only the two created assets' first valuations: the refused ones wrote none.
    expect(await count("asset_valuations", spaceId)).toBe(2);
    const created = results.find((r) => r.status === 201)!.body.id as string;
    expect((await a.del(`/v1/assets/${created}`)).status).toBe(204);
    expect((await a.post("/v1/assets", body(9))).status).toBe(201);
  });
});
