/**
 * What this isolate remembers of a space's categorizer: its rules, the categories they and the model can
 * choose, the model's totals and temperature, and the counts of every word a write has read, all from
 * reads made in one snapshot with the space's categorizer version (migration 0019). With them a
 * remembered writer's uncategorized write is categorized without a read of its own; its guard
 * (transactions/write-guard.ts) then checks, in the ledger's batch, that the version is still the one
 * they were read at. Any change to the categories, rules or model since moves the version, so a write is
 * never categorized from state that has changed: the guard refuses it and the ordinary path reads again.
 *
 * Nothing here grants access: entries are filled only from reads made for a caller whose access was
 * checked, and are used only for a write whose guard checks access again.
 */
import { features, type Counts } from "../ml/model";
import { type Categorizer, type CategorizerState, categorizerOf, categorizerStateFrom, categorizerVersionFrom, ruleChoice } from "./auto";

interface Remembered {
  version: number;
  state: CategorizerState;
  /** The words whose counts were read, whether or not the model has seen them (none kept for a space without a model). */
  read: Set<string>;
  /** What `read`, the words' counts and the compiled rules weigh, in the units of wordCost. */
  cost: number;
}

/** Spaces remembered at once; past it the least recently used are forgotten first. */
export const MAX_REMEMBERED_CATEGORIZERS = 256;
/**
 * What a remembered word weighs, roughly in bytes: its characters (two bytes each at worst), plus a
 * string's header, its slot in `read`, and its entry and map of counts when the model knows it.
 */
export const wordCost = (word: string) => 2 * word.length + 256;
/**
 * The weight of all remembered spaces: the words (and their counts), which a writer can make grow, and the
 * compiled rules (at most ~1.3 MB a space under its rule budget, categories/rule-budget.ts); an isolate has
 * 128 MB. Past it the least recently used spaces are forgotten first.
 */
export const MAX_REMEMBERED_COST = 8 << 20;
/** One space's share of words: past it the space's words start again from those just read. */
export const MAX_SPACE_WORDS_COST = 512 << 10;

const remembered = new Map<string, Remembered>();
let totalCost = 0;

/** A write whose category could depend on a word whose counts this isolate has not read. */
export class UndecidedCategory extends Error {}

const hasModel = (state: CategorizerState) => state.counts.catDocs.size > 0;
const costOf = (words: Iterable<string>) => {
  let n = 0;
  for (const w of words) n += wordCost(w);
  return n;
};
const rulesCost = (state: CategorizerState) => state.rules.reduce((n, r) => n + r.weight, 0);

function drop(spaceId: string): void {
  const known = remembered.get(spaceId);
  if (!known) return;
  totalCost -= known.cost;
  remembered.delete(spaceId);
}

function keep(spaceId: string, entry: Remembered): void {
  while (remembered.size > 0 && (remembered.size >= MAX_REMEMBERED_CATEGORIZERS || totalCost + entry.cost > MAX_REMEMBERED_COST)) {
    drop(remembered.keys().next().value!);
  }
  remembered.set(spaceId, entry);
  totalCost += entry.cost;
}

function mergeTokens(into: Counts, from: Counts): void {
  for (const [token, byCategory] of from.tokens) into.tokens.set(token, byCategory);
}

/**
 * Remembers what categorizerReads read for `feats` in `spaceId`. State read at an older version than
 * the one remembered is ignored; at the same version its words are added (a version names one state).
 */
export function rememberCategorizer(spaceId: string, results: D1Result[], feats: string[]): void {
  const version = categorizerVersionFrom(results);
  const known = remembered.get(spaceId);
  if (known && known.version > version) return;
  const state = categorizerStateFrom(results);
  // Without a model the words decide nothing: none are kept.
  const words = hasModel(state) ? new Set(feats) : new Set<string>();
  const wordsCost = costOf(words);
  // A write whose words alone outweigh a space's share is not remembered, and leaves what is.
  if (wordsCost > MAX_SPACE_WORDS_COST) return;
  drop(spaceId);
  if (known && known.version === version) {
    const added = [...words].filter((w) => !known.read.has(w));
    const merged = known.cost + costOf(added);
    if (merged - rulesCost(known.state) <= MAX_SPACE_WORDS_COST) {
      mergeTokens(known.state.counts, state.counts);
      for (const w of added) known.read.add(w);
      keep(spaceId, { ...known, cost: merged });
      return;
    }
  }
  keep(spaceId, { version, state, read: words, cost: wordsCost + rulesCost(state) });
}

/**
 * The categorizer to use for an uncategorized write in `spaceId`, and the version its state was read at;
 * null when none is remembered. The categorizer throws UndecidedCategory for a transaction no rule
 * matches whose words the model has not been read for: the ordinary path then reads them.
 */
export function recallCategorizer(spaceId: string): { version: number; choose: Categorizer } | null {
  const known = remembered.get(spaceId);
  if (!known) return null;
  remembered.delete(spaceId);
  remembered.set(spaceId, known);
  const decide = categorizerOf(known.state);
  if (!hasModel(known.state)) return { version: known.version, choose: decide };
  return {
    version: known.version,
    choose: (subject, signedAmount) => {
      const x = { merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount };
      if (!ruleChoice(known.state, subject) && !features(x).every((f) => known.read.has(f))) throw new UndecidedCategory();
      return decide(subject, signedAmount);
    },
  };
}

export function forgetCategorizer(spaceId: string): void {
  drop(spaceId);
}

/** How much is remembered (for tests): the running total, and the same summed again over what is kept. */
export function rememberedCategorizerSize(): { spaces: number; cost: number; recounted: number } {
  let recounted = 0;
  for (const r of remembered.values()) recounted += costOf(r.read) + rulesCost(r.state);
  return { spaces: remembered.size, cost: totalCost, recounted };
}
