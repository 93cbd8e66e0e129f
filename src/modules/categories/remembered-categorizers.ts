/**
 * What this isolate remembers of a space's categorizer: its rules, the categories they and the model can
 * choose, the model's totals and temperature, and the counts of every token a write has read, all from
 * reads made in one snapshot with the space's categorizer version (migration 0019). With them a
 * remembered writer's uncategorized write is categorized without a read of its own; its guard
 * (transactions/write-guard.ts) then checks, in the ledger's batch, that the version is still the one
 * they were read at. Any change to the categories, rules or model since moves the version, so a write is
 * never categorized from state that has changed: the guard refuses it and the ordinary path reads again.
 *
 * Nothing here grants access: entries are filled only from reads made for a caller whose access was
 * checked, and are used only for a write whose guard checks access again.
 */
import type { Counts } from "../ml/model";
import { type CategorizerState, categorizerOf, categorizerStateFrom, categorizerVersionFrom, featuresOf } from "./auto";
import type { Categorizer } from "./auto";

interface Remembered {
  version: number;
  state: CategorizerState;
  /** The tokens whose counts were read, whether or not the model has seen them. */
  read: Set<string>;
}

/** Spaces remembered at once; past it the least recently used are forgotten first. */
export const MAX_REMEMBERED_CATEGORIZERS = 256;
/** Tokens remembered per space; past it the space's tokens start again from none. */
export const MAX_REMEMBERED_TOKENS = 4096;

const remembered = new Map<string, Remembered>();

function mergeTokens(into: Counts, from: Counts): void {
  for (const [token, byCategory] of from.tokens) into.tokens.set(token, byCategory);
}

/**
 * Remembers what categorizerReads read for `feats` in `spaceId`. State read at an older version than
 * the one remembered is ignored; at the same version its tokens are added (the version names one state).
 */
export function rememberCategorizer(spaceId: string, results: D1Result[], feats: string[]): void {
  const version = categorizerVersionFrom(results);
  const state = categorizerStateFrom(results);
  const known = remembered.get(spaceId);
  remembered.delete(spaceId);
  if (known && known.version > version) {
    remembered.set(spaceId, known);
    return;
  }
  if (known && known.version === version && known.read.size + feats.length <= MAX_REMEMBERED_TOKENS) {
    mergeTokens(known.state.counts, state.counts);
    for (const f of feats) known.read.add(f);
    remembered.set(spaceId, known);
    return;
  }
  if (remembered.size >= MAX_REMEMBERED_CATEGORIZERS) remembered.delete(remembered.keys().next().value!);
  remembered.set(spaceId, { version, state, read: new Set(feats) });
}

/**
 * The categorizer to use for a write with this merchant and description, and the version its state was
 * read at; null when its decision could depend on a token whose counts were not read (the ordinary
 * path then reads them). A space without a trained model decides by its rules alone.
 */
export function recallCategorizer(
  spaceId: string,
  subject: { merchantName: string | null; description: string },
): { version: number; choose: Categorizer } | null {
  const known = remembered.get(spaceId);
  if (!known) return null;
  if (known.state.counts.catDocs.size > 0 && !featuresOf(subject).every((f) => known.read.has(f))) return null;
  remembered.delete(spaceId);
  remembered.set(spaceId, known);
  return { version: known.version, choose: categorizerOf(known.state) };
}

export function forgetCategorizer(spaceId: string): void {
  remembered.delete(spaceId);
}
