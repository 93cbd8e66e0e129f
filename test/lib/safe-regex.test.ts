import { describe, expect, it } from "vitest";
import { compileSafeRegex, RegexSyntaxError } from "../../src/lib/safe-regex";

const m = (p: string, s: string) => compileSafeRegex(p).test(s);

describe("safe regex", () => {
  it("agrees with JavaScript's RegExp on ordinary patterns", () => {
    const cases: [string, string[]][] = [
      ["uber", ["UBER *TRIP", "my uber ride", "ube"]],
      ["^amzn\\s?mktp", ["AMZN Mktp US", "AMZNMKTP", "x AMZN Mktp"]],
      ["(starbucks|dunkin)\\s*#?\\d+", ["STARBUCKS #1234", "dunkin 77", "starbucks coffee"]],
      ["net(flix|fl1x)$", ["NETFLIX", "netflix.com", "NETFL1X"]],
      ["[a-c]{2,3}x", ["abx", "abcx", "ax", "zzabcabx"]],
      ["colou?r", ["color", "colour", "colr"]],
      ["a.c", ["abc", "a\nc", "ac"]],
      ["[^0-9]+", ["123", "12a"]],
      ["\\.com", ["store.com", "storecom"]],
      ["oxxo|7-?eleven", ["OXXO GDL", "7ELEVEN", "7-eleven"]],
      ["x*", ["", "anything"]],
      ["(?:ab)+c", ["ababc", "ac"]],
      // The negated classes keep their case while the rest of the pattern is folded (\D is not \d).
      ["^\\D+$", ["abc", "123", "ab1"]],
      ["^\\W+$", ["--", "ab", "-a"]],
      ["^\\S+$", ["AB", "a b"]],
      ["[\\D]x", ["ax", "1x"]],
      ["UBER\\s+EATS", ["uber eats", "UBEREATS"]],
      ["\\A\\.B", ["a.b", "AXB"]],
    ];
    for (const [pattern, inputs] of cases) {
      const re = new RegExp(pattern, "i");
      for (const s of inputs) expect(m(pattern, s), `${pattern} on ${s}`).toBe(re.test(s));
    }
  });

  it("answers patterns that make backtracking engines explode (RegExp would not return for years)", () => {
    // Each is exponential for a backtracking engine on this input; here each costs states x length steps.
    const input = "a".repeat(900) + "!";
    const expected: [string, boolean][] = [["(a+)+$", false], ["(a|a)*b", false], ["(a|aa)+$", false], ["(.*a){20}", true], ["([a-z]+)*[0-9]", false]];
    for (const [p, result] of expected) expect(compileSafeRegex(p).test(input), p).toBe(result);
  });

  it("bounds the work of compiling, not only of matching: repeats of empty or tiny bodies are refused fast", () => {
    // Each compiled its body 100^k times before the compile-step cap: 2 s, 83 s, then hours.
    for (const p of ["((((()){100}){100}){100}){100}", "(){100}{100}{100}{100}", "(){100}{100}{100}{100}{100}", "((a?){100}){100}{100}"]) {
      const started = Date.now();
      expect(() => compileSafeRegex(p), p).toThrow(RegexSyntaxError);
      expect(Date.now() - started, p).toBeLessThan(1000); // a sanity bound; the cap is a count of steps
    }
    // Ordinary counted repeats still compile.
    expect(m("(ab){2,3}c{5}", "xxababccccc")).toBe(true);
  });

  it("never runs out of steps on a pattern it accepts: a match at the end of the longest input is found", () => {
    // Nine `.{0,11}` are about 200 states; matching costs the most on the longest input, with the match last.
    const p = ".{0,11}".repeat(9) + "zq";
    expect(compileSafeRegex(p).stateCount).toBeLessThanOrEqual(240);
    expect(m(p, "b".repeat(997) + "zq")).toBe(true);
    expect(m(p, "b".repeat(999) + "z")).toBe(false);
    // One that could run out (about 1,800 states: it used to miss its match past 480 characters) is refused.
    expect(() => compileSafeRegex(".{0,99}".repeat(9) + "zq")).toThrow(/too complex/);
  });

  it("rejects what it cannot run in linear time, and oversized patterns", () => {
    for (const p of ["(a)\\1", "(?=a)", "(?<!a)b", "a{1000}", "x".repeat(201), "", "(ab", "ab)", "*a", "[z-a]"]) {
      expect(() => compileSafeRegex(p), p).toThrow(RegexSyntaxError);
    }
  });
});
