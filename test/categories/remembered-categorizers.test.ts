/**
 * The isolate's memory of space categorizers (remembered-categorizers.ts): which state it keeps (never
 * an older version's, words merged only within one version), what it decides without reading (rules
 * first; the model only over words it has read), and how much memory a writer can make it hold.
 */
import { describe, expect, it } from "vitest";
import {
  forgetCategorizer, MAX_REMEMBERED_CATEGORIZERS, MAX_REMEMBERED_WORD_CHARS, MAX_SPACE_WORD_CHARS,
  recallCategorizer, rememberCategorizer, rememberedCategorizerSize, UndecidedCategory,
} from "../../src/modules/categories/remembered-categorizers";
import { featuresOf } from "../../src/modules/categories/auto";

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

  it("holds no words for a space without a model, and a bounded number of characters for all", () => {
    const before = rememberedCategorizerSize().chars;
    rememberCategorizer("spc_no_model", reads({ version: 1 }), featsOf("Anything at all", "with many words"));
    expect(rememberedCategorizerSize().chars).toBe(before);
    expect(recallCategorizer("spc_no_model")!.choose(subject("Anything"), -450)).toBeNull();
    forgetCategorizer("spc_no_model");

    // A writer posting long new words to spaces with models: what is kept stays within the budget.
    const long = (i: number, j: number) => `${"w".repeat(200)}${i}-${j}`;
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 20; j++) {
        const words = Array.from({ length: 20 }, (_, k) => long(i, j * 20 + k));
        rememberCategorizer(`spc_big_${i}`, reads({ version: 1, model: true }), words);
        expect(rememberedCategorizerSize().chars).toBeLessThanOrEqual(MAX_REMEMBERED_WORD_CHARS);
      }
    }
    // One space's words past its share start again from those just read.
    const space = "spc_share";
    let last: string[] = [];
    for (let j = 0; j < Math.ceil(MAX_SPACE_WORD_CHARS / 4000) + 2; j++) {
      last = Array.from({ length: 20 }, (_, k) => long(999, j * 20 + k));
      rememberCategorizer(space, reads({ version: 1, model: true }), last);
    }
    expect(() => recallCategorizer(space)!.choose({ ...subject(""), description: last[0]! }, -450)).toThrow(UndecidedCategory);
    for (let i = 0; i < 40; i++) forgetCategorizer(`spc_big_${i}`);
    forgetCategorizer(space);
  });

  it("forgets the least recently used space past its count", () => {
    for (let i = 0; i <= MAX_REMEMBERED_CATEGORIZERS; i++) rememberCategorizer(`spc_lru_${i}`, reads({ version: 1 }), []);
    expect(recallCategorizer("spc_lru_0")).toBeNull();
    expect(recallCategorizer("spc_lru_1")).not.toBeNull();
    expect(rememberedCategorizerSize().spaces).toBe(MAX_REMEMBERED_CATEGORIZERS);
    for (let i = 0; i <= MAX_REMEMBERED_CATEGORIZERS; i++) forgetCategorizer(`spc_lru_${i}`);
  });
});
