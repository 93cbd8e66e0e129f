/**
 * A correction applied to similar transactions files the merchant's other purchases, not a transfer that names the
 * same merchant (a bank's row carried as a transfer keeps the bank's merchant): apply-rules leaves transfers alone, and
 * the correction filed them under the expense category.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("a correction applied to similar transactions", () => {
  it("recategorizes the merchant's cash flows only", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const cats = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
    const cat = (name: string) => cats.find((c) => c.name === name)!.id;
    const write = (description: string) =>
      a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-02-01", amount: -20, merchantName: "VENMO", description });
    const first = await write("Dinner split");
    const second = await write("Lunch split");
    expect([first.status, second.status]).toEqual([201, 201]);
    // A synced row carried as a transfer (relink-carry.ts) keeps the bank's merchant: written as the sync leaves it.
    const transferId = `txn_fixture_transfer_${space.id.slice(-8)}`;
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO transactions (id, space_id, account_id, ledger_seq, amount, currency, description, merchant_name, normalized_merchant, date, type, subtype, status, category_id, category_source, tags, created_at, updated_at)
       VALUES (?, ?, ?, 0, -5000, 'USD', 'To savings', 'VENMO', 'venmo', ?, 'transfer', 'transfer_out', 'posted', NULL, NULL, '[]', ?, ?)`,
    ).bind(transferId, space.id, acc.id, Date.parse("2024-02-02T12:00:00Z"), now, now).run();

    const corr = await a.post("/v1/ml/corrections", { transactionId: first.body.id, correctedCategoryId: cat("Restaurants"), applyToSimilar: true });
    expect(corr.status).toBe(201);
    expect(corr.body.affectedTransactions).toBe(1);
    expect((await a.get(`/v1/transactions/${second.body.id}`)).body.category.id).toBe(cat("Restaurants"));
    const transfer = await env.DB.prepare("SELECT category_id FROM transactions WHERE id = ?").bind(transferId).first<{ category_id: string | null }>();
    expect(transfer!.category_id).toBeNull();
  });
});
