/**
 * Model quality on 2,000 generated, labelled transactions from 20 categories
 * (a held-out split): the learned model against a rules-only baseline, and the
 * effect of 50 corrections. The figures are printed for the closing note.
 */
import { describe, expect, it } from "vitest";
import { compileRules, firstMatch } from "../../src/modules/categories/rules";
import { addExample, calibrate, features, predict, train } from "../../src/modules/ml/model";
import { CATEGORY_DEFS, generate, type LabelledTx } from "./dataset";

const asExample = (t: LabelledTx) => ({ x: { merchantName: t.merchantName, description: t.description, amountMinor: t.amountMinor }, category: t.category });

function accuracy(data: LabelledTx[], classify: (t: LabelledTx) => string | null) {
  return data.filter((t) => classify(t) === t.category).length / data.length;
}

describe("learning categorization accuracy", () => {
  const data = generate(2000, 42);
  const trainSet = data.slice(0, 1600);
  const test = data.slice(1600);

  // The rules a user plausibly writes: one merchant_contains rule for the best-known merchant of each category.
  const rules = compileRules(
    CATEGORY_DEFS.map((c, i) => ({
      id: `rule_${i}`,
      categoryId: c.key,
      conditions: JSON.stringify([{ condition: "merchant_contains", value: c.merchants[0]!.split(" ")[0]! }]),
      priority: 100 - i,
      createdAt: i,
    })),
  );
  const byRules = (t: LabelledTx) =>
    firstMatch(rules, { merchantName: t.merchantName, description: t.description, amountMinor: Math.abs(t.amountMinor), scale: 2, accountId: "acc" })?.categoryId ?? null;

  it("beats the rules-only baseline on held-out data, and 50 corrections raise accuracy", () => {
    const counts = train(trainSet.map(asExample));
    const modelAcc = accuracy(test, (t) => predict(counts, asExample(t).x)?.categoryId ?? null);
    const rulesAcc = accuracy(test, byRules);

    // A cold start: the model has only seen each category's first three merchants.
    const narrow = trainSet.filter((t) => t.merchantIndex < 3).slice(0, 300);
    const pool = trainSet.filter((t) => t.merchantIndex >= 3);
    const cold = train(narrow.map(asExample));
    const before = accuracy(test, (t) => predict(cold, asExample(t).x)?.categoryId ?? null);
    let corrections = 0;
    for (const t of pool) {
      if (corrections >= 50) break;
      const p = predict(cold, asExample(t).x);
      if (p?.categoryId !== t.category) {
        addExample(cold, features(asExample(t).x), t.category);
        corrections++;
      }
    }
    const after = accuracy(test, (t) => predict(cold, asExample(t).x)?.categoryId ?? null);

    console.log(JSON.stringify({ heldOut: test.length, rulesOnly: rulesAcc, model: modelAcc, coldStart: before, after50Corrections: after, corrections }));
    expect(modelAcc).toBeGreaterThan(rulesAcc);
    expect(modelAcc).toBeGreaterThan(0.9);
    expect(corrections).toBe(50);
    expect(after).toBeGreaterThan(before + 0.05);
  });

  it("is calibrated: confidence tracks accuracy after temperature scaling", () => {
    const fit = trainSet.slice(0, 1200).map(asExample);
    const holdout = trainSet.slice(1200).map(asExample);
    const counts = train(fit);
    const t = calibrate(counts, holdout);
    const preds = test.map((x) => ({ p: predict(counts, asExample(x).x, t)!, truth: x.category }));
    const meanConfidence = preds.reduce((s, r) => s + r.p.confidence, 0) / preds.length;
    const acc = preds.filter((r) => r.p.categoryId === r.truth).length / preds.length;
    console.log(JSON.stringify({ temperature: t, meanConfidence, accuracy: acc }));
    expect(Math.abs(meanConfidence - acc)).toBeLessThan(0.1);
  });

  it("explains a prediction by merchant and tokens, in Spanish too", () => {
    const counts = train(trainSet.map(asExample));
    const p = predict(counts, { merchantName: "SQ *CAFEBRERIA EL PENDULO #231 CDMX", description: "compra con tarjeta café", amountMinor: -4500 })!;
    expect(p.categoryId).toBe("coffee");
    expect(p.merchant).toBe("cafebreria el pendulo cdmx");
    expect(p.evidence.length).toBeGreaterThan(0);
  });
});
