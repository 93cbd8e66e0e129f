/**
 * A rule's condition on a text the transaction does not have (no merchant) does not match: tested as "", a
 * regex such as `^$` caught every transaction without a merchant ("Rent payment December" filed by it).
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("rules and a missing merchant", () => {
  it("match neither on arrival nor when applied later", async () => {
    const u = await registerUser();
    const post = (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body });
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 5000 });
    const rules = [
      { condition: "regex", value: "^$", priority: 10 },
      { condition: "regex", value: "^.{0,3}$", priority: 10 },
    ];
    // (A contains value that folds to nothing, a lone accent, is refused outright: delete-merge.test.ts.)
    const empty = await post("/v1/categories", { spaceId: space.id, name: "Empty", type: "expense", rules });
    expect(empty.status).toBe(201);
    const spend = (body: object) => post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: "-900.00", date: "2024-12-01", description: "Rent payment December", ...body });
    const rent = await spend({});
    expect(rent.status).toBe(201);
    expect(rent.body.category).toBeNull();
    const applied = await post("/v1/categories/apply-rules", { spaceId: space.id, dryRun: true });
    expect(applied.body).toMatchObject({ matched: 0, wouldUpdate: 0 });
    // A merchant the pattern fits still matches.
    expect((await spend({ merchantName: "BP" })).body.category).toMatchObject({ id: empty.body.id });
  });
});
