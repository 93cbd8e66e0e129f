/**
 * A correction made while the model retrains is not lost: the retrain replaces the space's model only if nothing of
 * its categorizer changed since it read its examples, else it reads and trains again. The replacement wiped the
 * correction's counts, and the transaction had been read with its old label: the model forgot what the user had just
 * taught it, and predicted the old category.
 */
import { describe, expect, it } from "vitest";
import { dbWithBatchHook, runRetrainJob } from "./retrain-job";
import { createSpace, enableTwoFactor, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("a correction made while the model retrains", () => {
  it("is in the retrained model", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const cats = (await a.get(`/v1/categories?spaceId=${space.id}`)).body as { id: string; name: string }[];
    const cat = (name: string) => cats.find((c) => c.name === name)!.id;
    const write = (merchantName: string, description: string, categoryId: string) =>
      a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-02-01", amount: -6, merchantName, description, categoryId });
    await write("Shell", "Gasoline", cat("Transportation"));
    const bottle = await write("Blue Bottle", "Latte", cat("Groceries")); // filed wrongly by hand
    expect(bottle.status).toBe(201);
    await enableTwoFactor(u);
    const queued = await a.post("/v1/ml/retrain", { spaceId: space.id });
    expect(queued.status).toBe(202);

    // The job runs against the real D1; the user's correction lands after it read its examples, before it replaces
    // the model (its first batch that writes the model).
    let corrected = false;
    const db = dbWithBatchHook(async (statements) => {
      if (!corrected && statements.length > 2) {
        corrected = true;
        const r = await a.post("/v1/ml/corrections", { transactionId: bottle.body.id, correctedCategoryId: cat("Coffee"), applyToSimilar: false });
        expect(r.status).toBe(201);
      }
    });
    const jobId = queued.body.jobId as string;
    await runRetrainJob(jobId, space.id, db);
    expect(corrected).toBe(true);
    expect((await a.get(`/v1/ml/jobs/${jobId}`)).body).toMatchObject({ status: "completed", result: { samples: 2 } });

    const p = await a.post("/v1/ml/predict", { spaceId: space.id, merchantName: "Blue Bottle", description: "Latte" });
    expect(p.body).toMatchObject({ categoryId: cat("Coffee"), autoApply: true });
    expect(p.body.alternatives.map((x: { categoryId: string }) => x.categoryId)).not.toContain(cat("Groceries"));
  });
});
