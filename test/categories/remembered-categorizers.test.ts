/**
 * The isolate's memory of space categorizers (remembered-categorizers.ts): which state it keeps (never
 * an older version's, words merged only within one version), what it decides without reading (rules
 * first; the model only over words it has read), and how much memory a writer can make it hold.
 */
import { describe, expect, it } from "vitest";
import {
  forgetCategorizer, MAX_REMEMBERED_CATEGORIZERS, MAX_REMEMBERED_COST, MAX_SPACE_WORDS_COST,
  recallCategorizer, rememberCategorizer, rememberedCategorizerSize, UndecidedCategory, wordCost,
} from "../../src/modules/categories/remembered-categorizers";
import { featuresOf } from "../../src/modules/categories/auto";
import { MAX_SPACE_RULE_CHARS, MAX_SPACE_RULES } from "../../src/modules/categories/rule-budget";

const COFFEE = { id: "cat_coffee", name: "Coffee", color: null };
const TEA = { id: "cat_tea", name: "Tea", color: "#00aa00" };

/** categorizerReads' results, in its order: model totals, vocabulary, temperature, word counts, rules, categories, version. */
function reads(o: { version: number; model?: boolean; words?: [string, string, number][]; rules?: { value: string; categoryId: string }[] }): D1Result[] {
  const r = (results: unknown[]) => ({ results, success: true, meta: {} }) as unknown as D1Result;
  return [
    r(o.model ? [{ category_id: TEA.id, docs: 5, tokens: 50 }, { category_id: COFFEE.id, docs: 5, tokens: 50 }] : []),
    r([{ n: o.model ? 20 : 0 }]),
    r(o.model ? [{ temperature: 1 }] : []),
    r((o.words ?? []).map(([token, category_id, count]) => ({ token, category_id, count }))),
    r((o.rules ?? []).map((x, i) => ({ id: `rul_${i}`, categoryId: x.categoryId, conditions: JSON.stringify([{ condition: "merchant_contains", value: x.value }]), priority: 0, createdAt: i }))),
    r([COFFEE, TEA]),
    r(o.version ? [{ version: o.version }] : []),
  ];
}

const subject = (merchantName: string, description = "x") => ({ merchantName, description, amountMinor: 450, scale: 2, accountId: "acc_1" });
const featsOf = (merchantName: string, description = "x") => featuresOf({ merchantName, description });

describe("the remembered categorizer of a space", () => {
  it("keeps the newest version's state, merges words within one version, and ignores an older read", () => {
    const space = "spc_versions";
    rememberCategorizer(space, reads({ version: 3, rules: [{ value: "starbucks", categoryId: COFFEE.id }] }), featsOf("Starbucks"));
    expect(recallCategorizer(space)!.version).toBe(3);
    expect(recallCategorizer(space)!.choose(subject("STARBUCKS"), -450)).toMatchObject({ categoryId: COFFEE.id, source: "rule" });
    // An older read arriving late changes nothing.
    rememberCategorizer(space, reads({ version: 2 }), featsOf("Starbucks"));
    expect(recallCategorizer(space)!.version).toBe(3);
    // A newer one replaces the state: its rules, not the old ones.
    rememberCategorizer(space, reads({ version: 4, rules: [{ value: "starbucks", categoryId: TEA.id }] }), featsOf("Starbucks"));
    expect(recallCategorizer(space)!.choose(subject("STARBUCKS"), -450)).toMatchObject({ categoryId: TEA.id });
    forgetCategorizer(space);
    expect(recallCategorizer(space)).toBeNull();
  });

  it("with a model: decides by rule whatever the words, by the model only over words it has read", () => {
    const space = "spc_model";
    // The model knows Teavana's words (not the sign, which every expense shares).
    const teaWords: [string, string, number][] = featsOf("Teavana", "leaves").filter((t) => !t.startsWith("sign:")).map((t) => [t, TEA.id, 9]);
    rememberCategorizer(space, reads({ version: 7, model: true, words: teaWords, rules: [{ value: "starbucks", categoryId: COFFEE.id }] }), featsOf("Teavana", "leaves"));
    const { choose } = recallCategorizer(space)!;
    expect(choose(subject("Teavana", "leaves"), -450)).toMatchObject({ categoryId: TEA.id, source: "ml" });
    expect(choose(subject("Starbucks", "never read"), -450)).toMatchObject({ categoryId: COFFEE.id, source: "rule" });
    expect(() => choose(subject("Bookshop", "never read"), -450)).toThrow(UndecidedCategory);
    // The same version read for other words: both sets decide now.
    rememberCategorizer(space, reads({ version: 7, model: true }), featsOf("Bookshop", "never read"));
    const again = recallCategorizer(space)!.choose;
    expect(again(subject("Bookshop", "never read"), -450)).toBeNull();
    expect(again(subject("Teavana", "leaves"), -450)).toMatchObject({ categoryId: TEA.id });
    forgetCategorizer(space);
  });

  it("holds no words for a space without a model, and a bounded weight of words for all", () => {
    const before = rememberedCategorizerSize().cost;
    rememberCategorizer("spc_no_model", reads({ version: 1 }), featsOf("Anything at all", "with many words"));
    expect(rememberedCategorizerSize().cost).toBe(before);
    expect(recallCategorizer("spc_no_model")!.choose(subject("Anything"), -450)).toBeNull();
    forgetCategorizer("spc_no_model");

    // A writer posting long new words to spaces with models: what is kept stays within the budget, the
    // running total is the sum of what is kept, and the latest writes are still remembered.
    const description = (i: number, j: number) => Array.from({ length: 20 }, (_, k) => `${"w".repeat(200)}x${i}y${j}z${k}`).join(" ");
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 20; j++) {
        rememberCategorizer(`spc_big_${i}`, reads({ version: 1, model: true }), featsOf("Shop", description(i, j)));
        const size = rememberedCategorizerSize();
        expect(size.cost).toBeLessThanOrEqual(MAX_REMEMBERED_COST);
        expect(size.cost).toBe(size.recounted);
      }
    }
    expect(rememberedCategorizerSize().cost).toBeGreaterThan(MAX_REMEMBERED_COST / 2);
    expect(recallCategorizer("spc_big_39")!.choose(subject("Shop", description(39, 19)), -450)).toBeNull();
    expect(recallCategorizer("spc_big_0")).toBeNull();

    // One space's words past its share start again from those just read: the oldest are no longer known.
    const space = "spc_share";
    const perWrite = featsOf("Shop", description(999, 0)).reduce((n, w) => n + wordCost(w), 0);
    // Enough writes to pass the share at least once (the words they share weigh once).
    const writes = 2 * (Math.floor(MAX_SPACE_WORDS_COST / perWrite) + 1);
    for (let j = 0; j < writes; j++) rememberCategorizer(space, reads({ version: 1, model: true }), featsOf("Shop", description(999, j)));
    const { choose } = recallCategorizer(space)!;
    expect(() => choose(subject("Shop", description(999, 0)), -450)).toThrow(UndecidedCategory);
    expect(choose(subject("Shop", description(999, writes - 1)), -450)).toBeNull();
    // A write whose words alone outweigh the share leaves what is remembered as it was.
    const huge = Array.from({ length: MAX_SPACE_WORDS_COST / 256 + 1 }, (_, k) => `h${k}x`);
    rememberCategorizer(space, reads({ version: 1, model: true }), huge);
    expect(recallCategorizer(space)!.choose(subject("Shop", description(999, writes - 1)), -450)).toBeNull();
    for (let i = 0; i < 40; i++) forgetCategorizer(`spc_big_${i}`);
    forgetCategorizer(space);
    expect(rememberedCategorizerSize()).toMatchObject({ cost: 0, recounted: 0 });
  });

  it("forgets the least recently used space past its count", () => {
    for (let i = 0; i < MAX_REMEMBERED_CATEGORIZERS; i++) rememberCategorizer(`spc_lru_${i}`, reads({ version: 1 }), []);
    // Used just now: the second oldest goes first.
    expect(recallCategorizer("spc_lru_0")).not.toBeNull();
    rememberCategorizer(`spc_lru_${MAX_REMEMBERED_CATEGORIZERS}`, reads({ version: 1 }), []);
    expect(recallCategorizer("spc_lru_1")).toBeNull();
    expect(recallCategorizer("spc_lru_0")).not.toBeNull();
    expect(rememberedCategorizerSize().spaces).toBe(MAX_REMEMBERED_CATEGORIZERS);
    for (let i = 0; i <= MAX_REMEMBERED_CATEGORIZERS; i++) forgetCategorizer(`spc_lru_${i}`);
  });

  it("weighs each space's compiled rules too: spaces full of long rules stay within the isolate's bound", () => {
    // A space at its rule budget (rule-budget.ts): 1,000 rules of 200 characters.
    const rules = Array.from({ length: MAX_SPACE_RULES }, (_, i) => ({ value: `${i} `.padEnd(MAX_SPACE_RULE_CHARS / MAX_SPACE_RULES, "r"), categoryId: COFFEE.id }));
    rememberCategorizer("spc_rules_0", reads({ version: 1, rules }), []);
    const one = rememberedCategorizerSize().cost;
    expect(one).toBeGreaterThanOrEqual(rules.reduce((n, r) => n + 4 * r.value.length, 0));
    for (let i = 1; i < 40; i++) {
      rememberCategorizer(`spc_rules_${i}`, reads({ version: 1, rules }), []);
      const size = rememberedCategorizerSize();
      expect(size.cost).toBeLessThanOrEqual(MAX_REMEMBERED_COST);
      expect(size.cost).toBe(size.recounted);
    }
    // The oldest went first; the latest still decides by its rules.
    expect(recallCategorizer("spc_rules_0")).toBeNull();
    expect(recallCategorizer("spc_rules_39")!.choose(subject("7 rrrr"), -450)).toBeNull();
    expect(recallCategorizer("spc_rules_39")!.choose(subject(rules[7]!.value), -450)).toMatchObject({ categoryId: COFFEE.id, source: "rule" });
    for (let i = 0; i < 40; i++) forgetCategorizer(`spc_rules_${i}`);
    expect(rememberedCategorizerSize()).toMatchObject({ cost: 0, recounted: 0 });
  });
});
