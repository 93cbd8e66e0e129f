/**
 * The lazily built DFA answers exactly as the NFA simulation it caches, over generated patterns and texts (seeded),
 * cold and warm, through its cache's limits (a pattern's cache filling, starting afresh, giving up for the NFA,
 * and the isolate's bound dropping every cache), and never spends more steps than the simulation's bound.
 */
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../analytics/fixture";
import { compileSafeRegex, DFA_BUILD_STEPS, dfaCounters, MAX_INPUT, RegexSyntaxError, STEP_BUDGET, TEST_STEPS, type SafeRegex } from "../../src/lib/safe-regex";

const prng = mulberry32;

const LITERALS = ["a", "b", "c", "A", "B", "é", "É", "ß", "ü", "Ü", "1", "2", " ", "#", "-", "\\.", "\\A", "\\-", "x", "ñ", "\\n"];
const CLASSES = [".", "[a-c]", "[^ab]", "[abé]", "[A-C]", "[0-9]", "[^\\d]", "[\\w#]", "[É-ü]", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "[-a]", "[]a]"];
const TEXT = ["a", "b", "c", "A", "B", "C", "é", "É", "e\u0301", "ß", "ü", "Ü", "1", "2", " ", "#", "-", ".", "\n", "\t", "İ", "x", "ñ", "Ñ", "😀", "ǅ"];

/** A random pattern in the supported syntax (some will be refused: too complex, bad ranges; those are skipped). */
function pattern(r: () => number, depth = 0): string {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const atom = (): string => {
    const x = r();
    if (x < 0.4) return pick(LITERALS);
    if (x < 0.75 || depth > 2) return pick(CLASSES);
    return (r() < 0.5 ? "(" : "(?:") + pattern(r, depth + 1) + ")";
  };
  const quant = (): string => {
    const x = r();
    const q = x < 0.55 ? "" : x < 0.65 ? "*" : x < 0.73 ? "+" : x < 0.83 ? "?" : x < 0.89 ? `{${Math.floor(r() * 4)}}` : x < 0.94 ? `{${Math.floor(r() * 3)},}` : `{${Math.floor(r() * 3)},${3 + Math.floor(r() * 4)}}`;
    return q && r() < 0.15 ? q + "?" : q;
  };
  const branch = () => {
    let s = r() < 0.15 ? "^" : "";
    const parts = 1 + Math.floor(r() * 4);
    for (let i = 0; i < parts; i++) s += atom() + quant();
    return s + (r() < 0.15 ? "$" : "");
  };
  let s = branch();
  while (r() < 0.25) s += "|" + branch();
  return s;
}

function text(r: () => number, alphabet: string[], len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)]!;
  return s;
}

/** The texts a pattern is tried on: empty, short, medium, the longest, past the longest; some over its own letters. */
function texts(r: () => number, p: string): string[] {
  const own = [...new Set(p.replace(/[\\[\]()?*+{}|^$,]/g, "").split(""))];
  const alpha = own.length > 0 && r() < 0.5 ? [...own, ...TEXT.slice(0, 4)] : TEXT;
  const out = ["", text(r, alpha, 1), text(r, alpha, 2)];
  for (let i = 0; i < 8; i++) out.push(text(r, alpha, 3 + Math.floor(r() * 30)));
  out.push(text(r, alpha, 200), text(r, alpha, MAX_INPUT), text(r, alpha, MAX_INPUT + 7));
  return out;
}

/** The DFA's answer agrees with the simulation's, within the simulation's step bound, on every text. */
function agree(re: SafeRegex, p: string, inputs: string[]) {
  for (const s of inputs) {
    const dfa = { steps: 0 };
    const nfa = { steps: 0 };
    const got = re.test(s, dfa);
    const want = re.testNfa(s, nfa);
    expect(got, `${JSON.stringify(p)} on ${JSON.stringify(s.slice(0, 60))} (${s.length})`).toBe(want);
    const len = s.toLowerCase().slice(0, MAX_INPUT).length;
    // Metered: the simulation's steps (within its bound, so within STEP_BUDGET), plus DFA_BUILD_STEPS for each
    // transition built (at most one a position) and TEST_STEPS a test.
    expect(dfa.steps, p).toBeLessThanOrEqual(2 * re.stateCount * (len + 1) + (len + 1) * DFA_BUILD_STEPS + TEST_STEPS);
    expect(nfa.steps, p).toBeLessThanOrEqual(Math.min(2 * re.stateCount * (len + 1), STEP_BUDGET) + TEST_STEPS);
  }
}

describe("safe regex: what a DFA test is metered", () => {
  it("counts every transition it builds, even one that reads no char state (`^q` past position 0)", () => {
    const re = compileSafeRegex("^q");
    // 500 characters never met before: each builds a transition to the same empty state.
    const fresh = Array.from({ length: 500 }, (_, i) => String.fromCharCode(0x4e00 + i)).join("");
    const meter = { steps: 0 };
    expect(re.test(`x${fresh}`, meter)).toBe(false);
    expect(meter.steps).toBeGreaterThanOrEqual(500 * DFA_BUILD_STEPS);
  });

  it("reads `\\t` and `\\n` in a class as a tab and a newline, not the letters", () => {
    expect(compileSafeRegex("[\\t]").test("netflix")).toBe(false);
    expect(compileSafeRegex("[\\t]").test("a\tb")).toBe(true);
    expect(compileSafeRegex("^[^\\n]$").test("\n")).toBe(false);
  });
});

describe("safe regex: the DFA against the NFA simulation", () => {
  it("agrees on generated patterns and texts, cold and warm", () => {
    const r = prng(20261206);
    let compiled = 0;
    for (let k = 0; compiled < 500 && k < 5000; k++) {
      const p = pattern(r);
      let re: SafeRegex;
      try {
        re = compileSafeRegex(p);
      } catch (e) {
        expect(e).toBeInstanceOf(RegexSyntaxError);
        continue;
      }
      compiled++;
      const inputs = texts(r, p);
      agree(re, p, inputs); // cold: states built as the texts meet them
      agree(re, p, [...inputs].reverse()); // warm
      agree(compileSafeRegex(p), p, inputs.slice(3, 8)); // another compile of it: a cache of its own
    }
    expect(compiled).toBe(500);
  });

  it("agrees on the adversarial `.?` × k `#` family, and once warm costs one step a character whatever the states", () => {
    const r = prng(7);
    for (const k of [1, 2, 5, 20, 50, 99]) {
      const p = ".?".repeat(k) + "#";
      const re = compileSafeRegex(p);
      const noHash = `purchase 1 `.padEnd(500, "x");
      const inputs = [noHash, `shop 1 `.padEnd(200, "y"), noHash + "#", "#", "", "\n#", "a\n".repeat(600), text(r, ["a", "#", "\n", "É"], MAX_INPUT)];
      agree(re, p, inputs);
      agree(re, p, inputs);
      // Warm: the start state, one cached transition a character, the end state's cached answer.
      const meter = { steps: 0 };
      expect(re.test(noHash, meter)).toBe(false);
      expect(meter.steps).toBe(500 + 2 + TEST_STEPS);
    }
  });

  it("agrees when a pattern's DFA outgrows its cache: it starts afresh, or gives way to the NFA; and past the isolate's bound", () => {
    const r = prng(99);
    const counters = () => ({ ...dfaCounters });
    // `a[ab]{k}c`: the threads are the positions of the a's among the last k characters, 2^k sets on a random text.
    // Reused a long while (periodic texts meet a few states), then filled by random texts: it starts afresh.
    const reusedP = "a[ab]{12}c";
    const reused = compileSafeRegex(reusedP);
    const periodic = ["aab", "ab", "abb", "aaab"].flatMap((unit) => [0, 1, 2].map((shift) => unit.repeat(400).slice(shift, shift + MAX_INPUT)));
    agree(reused, reusedP, [...periodic, ...periodic]);
    let before = counters();
    for (let round = 0; round < 3; round++) agree(reused, reusedP, [text(r, ["a", "b"], MAX_INPUT), ...periodic, text(r, ["a", "b"], 400) + "c"]);
    expect(dfaCounters.fallbacks).toBeGreaterThan(before.fallbacks);
    expect(dfaCounters.resets).toBeGreaterThan(before.resets);
    expect(dfaCounters.nfaOnly).toBe(before.nfaOnly);
    // Filled by texts that each meet new states: the pattern is left to the NFA.
    before = counters();
    for (const k of [12, 30, 60]) {
      const p = `a[ab]{${k}}c`;
      const re = compileSafeRegex(p);
      for (let round = 0; round < 4; round++) agree(re, p, [text(r, ["a", "b"], MAX_INPUT), text(r, ["a", "b", "c"], MAX_INPUT), text(r, ["a", "b"], 300) + "c"]);
    }
    expect(dfaCounters.nfaOnly).toBe(before.nfaOnly + 3);
    // Enough patterns filling their caches to reach the isolate's bound: every cache is dropped, answers stay.
    before = counters();
    for (let i = 0; i < 400 && dfaCounters.flushes === before.flushes; i++) {
      const p = `[ab]*a[ab]{${10 + (i % 8)}}(c|#${i})`;
      agree(compileSafeRegex(p), p, [text(r, ["a", "b"], MAX_INPUT) + "c"]); // one text: its cache stays full
    }
    expect(dfaCounters.flushes).toBe(before.flushes + 1);
    agree(reused, reusedP, [...periodic, text(r, ["a", "b"], 400) + "c"]);
    const p = "(ab|ba)+c$";
    agree(compileSafeRegex(p), p, ["xxababc", "abbac", "ABAB\nc", "ab".repeat(600) + "c"]);
  });
});
