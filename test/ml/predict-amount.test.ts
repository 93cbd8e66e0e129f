/** `POST /v1/ml/predict` reads `amount` as every money input: a JSON number or a decimal string at the currency's scale. */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("predict's amount", () => {
  it("takes a decimal string as it takes a number, and refuses one past the currency's scale", async () => {
    const u = await registerUser();
    const post = (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body });
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const cats = (await callJson(`/v1/categories?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip })).body as { id: string; name: string }[];
    const health = cats.find((c) => c.name === "Health")!.id;
    const gym = await post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-02-01", amount: -9, merchantName: "Planet Fitness", description: "Monthly membership" });
    expect((await post("/v1/ml/corrections", { transactionId: gym.body.id, correctedCategoryId: health })).status).toBe(201);

    const ask = (amount: unknown) => post("/v1/ml/predict", { spaceId: space.id, description: "membership", merchantName: "PLANET FITNESS", amount });
    const asString = await ask("-12.00");
    expect(asString.status).toBe(200);
    expect(asString.body).toEqual((await ask(-12)).body);
    expect(asString.body).toMatchObject({ categoryId: health, autoApply: true });
    // Money in: the sign is read from the string too.
    expect((await ask("12.00")).body).toEqual((await ask(12)).body);
    const tooFine = await ask("-12.001");
    expect(tooFine.status).toBe(422);
    expect(tooFine.body.error.details).toEqual([expect.objectContaining({ field: "amount", code: "INVALID_AMOUNT" })]);
    expect((await ask("twelve")).status).toBe(422);
  });
});
