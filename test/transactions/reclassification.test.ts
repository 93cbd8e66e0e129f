/**
 * A category change moves the amount between category counterparties in the
 * ledger; the reclassification belongs to its rows and cannot be reverted
 * alone through the ledger API.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount, seedCategory } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

describe("reclassification", () => {
  it("moves the ledger's category balances with the row and refuses a lone revert of it", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 100 });
    const groceries = await seedCategory(space.id, "Groceries");
    const restaurants = await seedCategory(space.id, "Restaurants");
    const get = (path: string) => callJson(path, { token: u.accessToken, ip: u.ip });
    const balanceOf = async (address: string) => (await get(`/v1/spaces/${space.id}/ledger/accounts/${address}`)).body.data.balances["USD/2"] ?? 0;
    const tx = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip,
      body: { spaceId: space.id, accountId: acc.id, amount: "-42.10", description: "Dinner", date: "2024-05-01", categoryId: groceries },
    });
    expect(await balanceOf(`expense:${groceries}`)).toBe(4210);
    const moved = await callJson(`/v1/transactions/${tx.body.id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { categoryId: restaurants } });
    expect(moved.status).toBe(200);
    expect([await balanceOf(`expense:${groceries}`), await balanceOf(`expense:${restaurants}`)]).toEqual([0, 4210]);
    expect(await ledgerViolations(space.id)).toEqual([]);

    const latest = (await get(`/v1/spaces/${space.id}/ledger/transactions?pageSize=1`)).body.cursor.data[0];
    expect(latest.metadata).toMatchObject({ kind: "reclassification" });
    const lone = await callJson(`/v1/spaces/${space.id}/ledger/transactions/${latest.txid}/revert`, { method: "POST", token: u.accessToken, ip: u.ip });
    expect(lone.status).toBe(409);

    // Voiding the transaction returns every counterparty to zero; the account gets its money back.
    expect((await callJson(`/v1/transactions/${tx.body.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip })).status).toBe(200);
    expect([await balanceOf(`expense:${groceries}`), await balanceOf(`expense:${restaurants}`)]).toEqual([0, 0]);
    expect((await get(`/v1/accounts/${acc.id}`)).body.balanceDecimal).toBe("100.00");
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("moves uncategorized income from world to its category and back", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id);
    const salary = await seedCategory(space.id, "Salary", "income");
    const income = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: acc.id, amount: "1000.00", description: "Pay", date: "2024-05-01" },
    });
    const balanceOf = async (address: string) =>
      (await callJson(`/v1/spaces/${space.id}/ledger/accounts/${address}`, { token: u.accessToken, ip: u.ip })).body.data.balances["USD/2"] ?? 0;
    await callJson(`/v1/transactions/${income.body.id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { categoryId: salary } });
    expect([await balanceOf("world"), await balanceOf(`income:${salary}`)]).toEqual([0, -100000]);
    await callJson(`/v1/transactions/${income.body.id}`, { method: "PATCH", token: u.accessToken, ip: u.ip, body: { categoryId: null } });
    expect([await balanceOf("world"), await balanceOf(`income:${salary}`)]).toEqual([-100000, 0]);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});

describe("deleting a category while transactions arrive in it", () => {
  it("leaves no transaction or ledger amount on the deleted category", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const x = await seedCategory(space.id, "Going away");
    const y = await seedCategory(space.id, "Staying");
    const spend = () => callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: acc.id, amount: "-1.00", description: "x", date: "2024-05-01", categoryId: x },
    });
    const first = await Promise.all(Array.from({ length: 5 }, spend));
    const racing = [
      ...Array.from({ length: 15 }, spend),
      callJson(`/v1/categories/${x}?reassignTo=${y}`, { method: "DELETE", token: u.accessToken, ip: u.ip }),
      ...Array.from({ length: 15 }, spend),
    ];
    const results = await Promise.all(racing);
    expect(first.every((r) => r.status === 201)).toBe(true);
    expect(results[15]!.status).toBe(200);
    // Every create either landed before the deletion (and moved) or was refused after it: none is lost or stranded.
    for (const r of results) expect([200, 201, 404, 422]).toContain(r.status);
    const stranded = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND category_id = ?").bind(space.id, x).first<{ n: number }>();
    expect(stranded!.n).toBe(0);
    const ledgerX = await callJson(`/v1/spaces/${space.id}/ledger/accounts/expense:${x}`, { token: u.accessToken, ip: u.ip });
    expect(ledgerX.body.data.balances["USD/2"] ?? 0).toBe(0);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});
