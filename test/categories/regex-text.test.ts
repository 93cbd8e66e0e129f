/**
 * A regex rule reads a transaction's text as contains and equals do: a bank's zero-width space inside a merchant
 * ("NET\u200BFLIX"), a no-break space ("UBER\u00A0EATS") or full-width letters matched `merchant_contains` and not
 * the regex, so a rule written as a pattern missed the very transactions a contains rule filed.
 */
import { describe, expect, it } from "vitest";
import { createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("a regex rule over text with invisible or compatibility characters", () => {
  it("files on arrival and on apply-rules what a contains rule would", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const subs = await a.post("/v1/categories", { spaceId: space.id, name: "Subs", type: "expense", rules: [{ condition: "regex", value: "^(netflix|uber eats)", priority: 10 }] });
    expect(subs.status).toBe(201);
    const merchants = ["NET\u200BFLIX.COM", "UBER\u00A0EATS", "ＮＥＴＦＬＩＸ", "\u200BUBER EATS"];
    const ids: string[] = [];
    for (const merchantName of merchants) {
      const t = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: -15, date: "2024-03-01", description: "card purchase", merchantName });
      expect(t.status).toBe(201);
      expect(t.body, merchantName).toMatchObject({ category: { id: subs.body.id }, categorySource: "rule" });
      ids.push(t.body.id);
    }
    // Unfiled by hand (null keeps it open to rules), apply-rules files them again.
    for (const id of ids) expect((await a.patch(`/v1/transactions/${id}`, { categoryId: null })).status).toBe(200);
    const run = await a.post("/v1/categories/apply-rules", { spaceId: space.id, dryRun: true });
    expect(run.status).toBe(200);
    expect(run.body.changes.map((c: { transactionId: string }) => c.transactionId).sort()).toEqual([...ids].sort());
  });
});
