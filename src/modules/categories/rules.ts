/**
 * The rules engine: a rule's conditions must all match (AND); rules run in
 * priority order (highest first, then oldest) and the first match wins.
 */
import { RegexSyntaxError, compileSafeRegex, type SafeRegex, type StepMeter } from "../../lib/safe-regex";
import { parseMajorExact } from "../../lib/money";
import { foldForSearch } from "../../lib/search-text";

export const CONDITIONS = ["merchant_contains", "description_contains", "merchant_equals", "amount_between", "account_is", "regex"] as const;
export type ConditionType = (typeof CONDITIONS)[number];

export type ConditionInput =
  | { condition: "merchant_contains" | "description_contains" | "merchant_equals" | "account_is" | "regex"; value: string }
  | { condition: "amount_between"; value: { min?: number | string; max?: number | string } };

/** What rules look at: the incoming transaction. */
export interface RuleSubject {
  merchantName: string | null;
  description: string;
  /** Absolute amount in minor units and the currency's scale, so limits compare exactly. */
  amountMinor: number;
  scale: number;
  accountId: string;
}

export interface RuleRow {
  id: string;
  categoryId: string;
  conditions: string;
  priority: number;
  createdAt: number;
}

/**
 * A condition's test. With a meter, it adds the work it did in matching steps: a regex's own steps, a text
 * comparison the characters it folded and compared (a string search is linear in V8), anything else one.
 */
type Test = (s: RuleSubject, meter?: StepMeter) => boolean;
export interface CompiledRule {
  id: string;
  categoryId: string;
  priority: number;
  test: Test;
  /** What it weighs compiled, roughly in bytes, for the isolate's bound on remembered categorizers. */
  weight: number;
}

/**
 * A compiled rule's weight: its conditions' text held twice (as stored and folded), at two bytes a character at
 * worst, and its closures and compiled patterns (a space's regex states are bounded apart: rule-budget.ts).
 */
const ruleWeight = (conditions: string) => 512 + 4 * conditions.length;

const charge = (meter: StepMeter | undefined, steps: number) => {
  if (meter) meter.steps += steps;
};

/** Text as contains and equals compare it: as a search does ("straße" is "STRASSE", "ＣＯＦＦＥＥ" is "coffee"). */
const fold = (s: string | null) => (s ? foldForSearch(s) : "");
/**
 * Text without its combining marks (accents), in any normalization form it came in, nor the format characters that
 * show nothing (zero-width space and joiners, the soft hyphen, bidi marks), as contains and equals drop them.
 */
const withoutMarks = (s: string) => s.normalize("NFD").replace(/[\p{M}\p{Cf}]+/gu, "");

/**
 * A transaction's text as a regex condition reads it: as contains and equals read it (compatibility forms unified,
 * accents and format characters dropped: search-text.ts), but with its spacing kept, a pattern may mean it; only
 * the other spaces (a no-break space, the ideographic one) are plain spaces. A bank's "NET\u200BFLIX" or
 * "UBER\u00A0EATS" matched `merchant_contains` "netflix" or "uber eats" and not the regex `netflix|uber eats`.
 */
const regexText = (s: string) => s.normalize("NFKD").replace(/[\p{M}\p{Cf}]+/gu, "").replace(/\p{Zs}/gu, " ");

/**
 * A regex condition's pattern as it runs: without accents, as the contains/equals conditions compare ("café"
 * typed precomposed or decomposed, in the pattern or the text, is one word; spacing is kept, a pattern may
 * mean it). What the space's budget counts is this, not the pattern as typed.
 */
const ruleRegex = (pattern: string): SafeRegex => compileSafeRegex(withoutMarks(pattern));

/**
 * A subject's texts without accents, once per subject however many regex rules read them; null for a text the
 * transaction does not have (no merchant, an empty description), which no condition matches: tested as "" it
 * made a pattern such as `^$` or `^.{0,3}$` catch every transaction without a merchant.
 */
const unmarkedTexts = new WeakMap<RuleSubject, { merchant: string | null; description: string | null }>();
function unmarked(s: RuleSubject): { merchant: string | null; description: string | null } {
  let t = unmarkedTexts.get(s);
  if (!t) unmarkedTexts.set(s, (t = { merchant: s.merchantName ? regexText(s.merchantName) || null : null, description: s.description ? regexText(s.description) || null : null }));
  return t;
}

/** The scale `amount_between`'s bounds are read at: the finest of any currency's. */
const BOUND_SCALE = 8;
/** Digits of a bound at that scale: 10^16 major units, past the largest amount in any currency (2^53 - 1 yen). */
const BOUND_DIGITS = 24;

/**
 * A bound of `amount_between` in units of 10^-8 (its magnitude), or null when absent. Throws RegexSyntaxError
 * (a client error) for one that is not an exact decimal of at most 8 places: so at save time, and at compile
 * time for a rule stored before, which then never matches.
 */
function parseBound(v: number | string | undefined): bigint | null {
  if (v === undefined) return null;
  const p = parseMajorExact(v, BOUND_SCALE, BOUND_DIGITS);
  if (!p.ok) throw new RegexSyntaxError(`amount_between: ${p.reason}`);
  return p.minor < 0n ? -p.minor : p.minor;
}

/**
 * Bound `b` (10^-8 units) in minor units of `scale`, rounded up for a lower bound and down for an upper one:
 * an amount of that scale is within the rounded bounds exactly when it is within the bounds themselves
 * (a USD amount is at most 20.005 exactly when it is at most 20.00).
 */
function boundAt(b: bigint, scale: number, round: "up" | "down"): bigint {
  if (scale >= BOUND_SCALE) return b * 10n ** BigInt(scale - BOUND_SCALE);
  const unit = 10n ** BigInt(BOUND_SCALE - scale);
  const q = b / unit;
  return round === "up" && q * unit < b ? q + 1n : q;
}

/** A condition no transaction meets. */
const NEVER: Test = (_s, meter) => (charge(meter, 1), false);

function compileCondition(c: ConditionInput): Test {
  switch (c.condition) {
    // A transaction without the text a condition reads does not match it (see `unmarked`), whatever the value. A value
    // that folds to nothing matches nothing: saving one is refused, but a rule stored while format characters still
    // folded to themselves ("\u200B") would otherwise have filed every transaction once they fold away.
    case "merchant_contains": {
      const needle = fold(c.value);
      if (needle === "") return NEVER;
      return (s, meter) => (charge(meter, 1 + (s.merchantName?.length ?? 0) + needle.length), !!s.merchantName && fold(s.merchantName).includes(needle));
    }
    case "description_contains": {
      const needle = fold(c.value);
      if (needle === "") return NEVER;
      return (s, meter) => (charge(meter, 1 + s.description.length + needle.length), !!s.description && fold(s.description).includes(needle));
    }
    case "merchant_equals": {
      const want = fold(c.value);
      if (want === "") return NEVER;
      return (s, meter) => (charge(meter, 1 + (s.merchantName?.length ?? 0)), !!s.merchantName && fold(s.merchantName) === want);
    }
    case "account_is":
      return (s, meter) => (charge(meter, 1), s.accountId === c.value);
    case "amount_between": {
      const lo = parseBound(c.value.min);
      const hi = parseBound(c.value.max);
      // Compared in the subject's own minor units (JPY has none, BTC eight), exactly.
      return (s, meter) => {
        charge(meter, 1);
        const amount = BigInt(s.amountMinor);
        return (lo === null || amount >= boundAt(lo, s.scale, "up")) && (hi === null || amount <= boundAt(hi, s.scale, "down"));
      };
    }
    case "regex": {
      const re = ruleRegex(c.value);
      return (s, meter) => {
        const text = unmarked(s);
        return (text.merchant !== null && re.test(text.merchant, meter)) || (text.description !== null && re.test(text.description, meter));
      };
    }
  }
}

/**
 * The states of a rule's regex conditions as they run: what matching them costs per character of a
 * transaction's text. A pattern that does not compile costs nothing (its rule never matches).
 */
export function regexStates(conditions: ConditionInput[]): number {
  let n = 0;
  for (const c of conditions) {
    if (c.condition !== "regex") continue;
    try {
      n += ruleRegex(c.value).stateCount;
    } catch {
      // not counted, as it is not run (a rule with it never matches)
    }
  }
  return n;
}

/** Throws RegexSyntaxError (a client error) for a condition that cannot be compiled. */
export function validateConditions(conditions: ConditionInput[]): void {
  for (const c of conditions) {
    compileCondition(c);
    // A text that folds to nothing (a lone combining accent) is contained in every text: the rule would file all.
    if ((c.condition === "merchant_contains" || c.condition === "description_contains" || c.condition === "merchant_equals") && fold(c.value) === "") {
      throw new RegexSyntaxError(`${c.condition} needs a value with a letter or digit in it; "${c.value}" matches every text`);
    }
    if (c.condition === "amount_between") {
      const lo = parseBound(c.value.min);
      const hi = parseBound(c.value.max);
      if (lo === null && hi === null) throw new RegexSyntaxError("amount_between needs min, max or both");
      const signed = [c.value.min, c.value.max].some((v) => v !== undefined && String(v).trim().startsWith("-"));
      if (signed) {
        throw new RegexSyntaxError("amount_between compares amounts without their sign (a 15.00 expense and a 15.00 refund alike): write its bounds without one");
      }
      if (lo !== null && hi !== null && lo > hi) throw new RegexSyntaxError("amount_between: min is above max");
    }
  }
}

export function compileRules(rows: RuleRow[]): CompiledRule[] {
  return [...rows]
    .sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .flatMap((r) => {
      try {
        const tests = (JSON.parse(r.conditions) as ConditionInput[]).map(compileCondition);
        const test = (s: RuleSubject, meter?: StepMeter) => tests.every((t) => t(s, meter));
        return [{ id: r.id, categoryId: r.categoryId, priority: r.priority, test, weight: ruleWeight(r.conditions) }];
      } catch {
        return []; // a rule that no longer compiles never matches
      }
    });
}

/** The first rule `subject` matches; the work its tests did is added to `meter`, when given. */
export function firstMatch(rules: CompiledRule[], subject: RuleSubject, meter?: StepMeter): CompiledRule | null {
  for (const r of rules) if (r.test(subject, meter)) return r;
  return null;
}
