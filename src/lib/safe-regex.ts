/**
 * A regular-expression matcher for user-written category rules that cannot
 * be made to backtrack catastrophically: patterns compile to an NFA that is
 * simulated breadth-first (Thompson's construction), so matching costs at most
 * states × input length steps, and a step budget caps even that.
 *
 * Supported: literals, `.`, classes (`[a-z]`, `[^0-9]`, `\d \w \s` and their
 * negations), groups `( )` / `(?: )`, `|`, `* + ?`, `{n}`, `{n,}`, `{n,m}`
 * (lazy `?` suffixes accepted), `^` and `$`. Matching is case-insensitive and
 * finds the pattern anywhere in the input. Backreferences and lookarounds,
 * which no linear-time engine can offer, are rejected when the rule is saved.
 */
export const MAX_PATTERN_LENGTH = 200;
/**
 * States of one pattern. Matching visits each state at most twice per input position, so a pattern within
 * this many states always finishes within STEP_BUDGET: a match is never missed for want of steps (a larger
 * cap let a long description run out of budget and silently not match a rule that should have).
 */
export const MAX_STATES = 240;
/** Compile calls per pattern: a few times MAX_STATES, reached only by repeats of (nearly) empty bodies. */
export const MAX_COMPILE_STEPS = 10_000;
export const MAX_INPUT = 1_000;
export const STEP_BUDGET = 2 * MAX_STATES * (MAX_INPUT + 1);

type Pred = (ch: string) => boolean;
type Node =
  | { t: "char"; pred: Pred }
  | { t: "cat"; parts: Node[] }
  | { t: "alt"; options: Node[] }
  | { t: "rep"; node: Node; min: number; max: number }
  | { t: "bol" }
  | { t: "eol" };

export class RegexSyntaxError extends Error {}

const isDigit: Pred = (c) => c >= "0" && c <= "9";
const isWord: Pred = (c) => /[\p{L}\p{N}_]/u.test(c);
const isSpace: Pred = (c) => /\s/.test(c);

function escapePred(c: string): Pred {
  switch (c) {
    case "d": return isDigit;
    case "D": return (x) => !isDigit(x);
    case "w": return isWord;
    case "W": return (x) => !isWord(x);
    case "s": return isSpace;
    case "S": return (x) => !isSpace(x);
    case "t": return (x) => x === "\t";
    case "n": return (x) => x === "\n";
  }
  if (/[0-9bBkKpPuUxXcC]/.test(c)) throw new RegexSyntaxError(`\\${c} is not supported`);
  const lit = c.toLowerCase(); // matching is case-insensitive: `\A` is `a`
  return (x) => x === lit;
}

/**
 * The pattern lowercased, as matching is case-insensitive (the input is lowercased too), except the letter
 * after each backslash: `\D` (not a digit) must not become `\d`.
 */
function foldCase(pattern: string): string {
  let out = "";
  let run = "";
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\" && i + 1 < pattern.length) {
      out += run.toLowerCase() + pattern[i] + pattern[i + 1];
      run = "";
      i++;
    } else {
      run += pattern[i];
    }
  }
  return out + run.toLowerCase();
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alt();
    if (this.i < this.src.length) throw new RegexSyntaxError(`Unexpected '${this.src[this.i]}' at ${this.i}`);
    return node;
  }

  private peek() {
    return this.src[this.i];
  }

  private alt(): Node {
    const options = [this.cat()];
    while (this.peek() === "|") {
      this.i++;
      options.push(this.cat());
    }
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }

  private cat(): Node {
    const parts: Node[] = [];
    while (this.i < this.src.length && this.peek() !== "|" && this.peek() !== ")") parts.push(this.repeat());
    return { t: "cat", parts };
  }

  private repeat(): Node {
    let node = this.atom();
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === "*") (min = 0), (max = Infinity), this.i++;
      else if (c === "+") (min = 1), (max = Infinity), this.i++;
      else if (c === "?") (min = 0), (max = 1), this.i++;
      else if (c === "{" && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
        this.i += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        if (min > 100 || (max !== Infinity && max > 100) || max < min) throw new RegexSyntaxError("Counted repetition must be between 0 and 100");
      } else return node;
      if (this.peek() === "?") this.i++; // lazy and greedy match the same strings
      if (node.t === "bol" || node.t === "eol") throw new RegexSyntaxError("Nothing to repeat");
      node = { t: "rep", node, min, max };
    }
  }

  private atom(): Node {
    const c = this.src[this.i++];
    switch (c) {
      case "(": {
        if (this.peek() === "?") {
          if (this.src[this.i + 1] !== ":") throw new RegexSyntaxError("Lookarounds and named groups are not supported");
          this.i += 2;
        }
        const inner = this.alt();
        if (this.src[this.i++] !== ")") throw new RegexSyntaxError("Missing )");
        return inner;
      }
      case "[":
        return { t: "char", pred: this.charClass() };
      case ".":
        return { t: "char", pred: (x) => x !== "\n" };
      case "^":
        return { t: "bol" };
      case "$":
        return { t: "eol" };
      case "\\": {
        const e = this.src[this.i++];
        if (e === undefined) throw new RegexSyntaxError("Trailing backslash");
        return { t: "char", pred: escapePred(e) };
      }
      case "*":
      case "+":
      case "?":
      case "{":
        if (c === "{" && !/^\{\d/.test(this.src.slice(this.i - 1))) return { t: "char", pred: (x) => x === "{" };
        throw new RegexSyntaxError("Nothing to repeat");
      case ")":
        throw new RegexSyntaxError("Unmatched )");
      default:
        return { t: "char", pred: (x) => x === c };
    }
  }

  private charClass(): Pred {
    let negate = false;
    if (this.peek() === "^") (negate = true), this.i++;
    const preds: Pred[] = [];
    let first = true;
    while (this.i < this.src.length && (this.peek() !== "]" || first)) {
      first = false;
      let c = this.src[this.i++]!;
      if (c === "\\") {
        const e = this.src[this.i++];
        if (e === undefined) throw new RegexSyntaxError("Trailing backslash");
        if ("dDwWsS".includes(e)) {
          preds.push(escapePred(e));
          continue;
        }
        c = e.toLowerCase();
      }
      if (this.peek() === "-" && this.src[this.i + 1] !== "]" && this.src[this.i + 1] !== undefined) {
        this.i++;
        let hi = this.src[this.i++]!;
        if (hi === "\\") hi = (this.src[this.i++] ?? "").toLowerCase();
        const lo = c;
        if (hi < lo) throw new RegexSyntaxError(`Bad range ${lo}-${hi}`);
        preds.push((x) => x >= lo && x <= hi);
      } else {
        const lit = c;
        preds.push((x) => x === lit);
      }
    }
    if (this.src[this.i++] !== "]") throw new RegexSyntaxError("Missing ]");
    const any: Pred = (x) => preds.some((p) => p(x));
    return negate ? (x) => !any(x) : any;
  }
}

// NFA: states in an array; `out`/`out2` are indices.
const CHAR = 0;
const SPLIT = 1;
const BOL = 2;
const EOL = 3;
const MATCH = 4;
type State =
  | { k: "char"; pred: Pred; out: number }
  | { k: "split"; out: number; out2: number }
  | { k: "bol"; out: number }
  | { k: "eol"; out: number }
  | { k: "match" };

class Compiler {
  readonly states: State[] = [];
  /**
   * Compile calls made. A counted repeat compiles its body once per count, and
   * an empty body adds no states, so the state cap alone would let `(){100}{100}…`
   * run for hours; this caps the work itself.
   */
  private steps = 0;

  add(s: State): number {
    if (this.states.length >= MAX_STATES) throw new RegexSyntaxError("Pattern is too complex");
    this.states.push(s);
    return this.states.length - 1;
  }

  /** Compiles `node` so that it continues to `next`; returns its entry state. */
  compile(node: Node, next: number): number {
    if (++this.steps > MAX_COMPILE_STEPS) throw new RegexSyntaxError("Pattern is too complex");
    switch (node.t) {
      case "char":
        return this.add({ k: "char", pred: node.pred, out: next });
      case "bol":
        return this.add({ k: "bol", out: next });
      case "eol":
        return this.add({ k: "eol", out: next });
      case "cat": {
        let entry = next;
        for (let i = node.parts.length - 1; i >= 0; i--) entry = this.compile(node.parts[i]!, entry);
        return entry;
      }
      case "alt": {
        let entry = this.compile(node.options[node.options.length - 1]!, next);
        for (let i = node.options.length - 2; i >= 0; i--) {
          entry = this.add({ k: "split", out: this.compile(node.options[i]!, next), out2: entry });
        }
        return entry;
      }
      case "rep": {
        let entry = next;
        if (node.max === Infinity) {
          // x* : split -> (x -> split) | next
          const split = this.add({ k: "split", out: -1, out2: next });
          const body = this.compile(node.node, split);
          (this.states[split] as { out: number }).out = body;
          entry = split;
        } else {
          for (let i = node.max; i > node.min; i--) entry = this.add({ k: "split", out: this.compile(node.node, entry), out2: next });
        }
        for (let i = 0; i < node.min; i++) entry = this.compile(node.node, entry);
        return entry;
      }
    }
  }
}

/**
 * Counts the matching steps a caller's tests took, so a caller that runs many (applying rules to a whole space)
 * can bound its total work: per test it is at most 2 × states × (input length + 1).
 */
export interface StepMeter {
  steps: number;
}

export interface SafeRegex {
  /**
   * True if the pattern occurs in `input` (its first MAX_INPUT characters); the step budget is never reached.
   * The steps it took are added to `meter`, when given.
   */
  test(input: string, meter?: StepMeter): boolean;
  readonly stateCount: number;
}

/** Compiles a rule pattern or throws RegexSyntaxError with a reason fit for a 422. */
export function compileSafeRegex(pattern: string): SafeRegex {
  if (pattern.length === 0) throw new RegexSyntaxError("Pattern is empty");
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RegexSyntaxError(`Pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const ast = new Parser(foldCase(pattern)).parse();
  const compiler = new Compiler();
  const match = compiler.add({ k: "match" });
  const start = compiler.compile(ast, match);
  const states = compiler.states;
  // The NFA as flat arrays, and the scratch space of a test allocated once per test, not per thread: what a
  // step costs is what every arriving transaction pays for each state of the space's rules.
  const n = states.length;
  const kind = new Uint8Array(n);
  const out = new Int32Array(n);
  const out2 = new Int32Array(n);
  const preds: Pred[] = new Array<Pred>(n);
  states.forEach((st, i) => {
    kind[i] = st.k === "char" ? CHAR : st.k === "split" ? SPLIT : st.k === "bol" ? BOL : st.k === "eol" ? EOL : MATCH;
    if (st.k !== "match") out[i] = st.out;
    if (st.k === "split") out2[i] = st.out2;
    if (st.k === "char") preds[i] = st.pred;
  });

  return {
    stateCount: n,
    test(raw: string, meter?: StepMeter): boolean {
      let steps = 0;
      const matched = run(raw);
      if (meter) meter.steps += steps;
      return matched;

      function run(raw: string): boolean {
        const input = raw.slice(0, MAX_INPUT).toLowerCase();
        const seen = new Int32Array(n).fill(-1);
        // A state is pushed only by one newly seen (at most two each), so the stack never holds more than 2n + 1.
        const stack = new Int32Array(2 * n + 1);
        const current = new Int32Array(n);
        let currentLength = 0;
        const next = new Int32Array(n);
        let nextLength = 0;
        let gen = 0;
        let matched = false;
        // Adds `s` and the states it reaches without reading a character to `next`; false when out of steps.
        const addThread = (s: number, pos: number): boolean => {
          let sp = 0;
          stack[sp++] = s;
          while (sp > 0) {
            const i = stack[--sp]!;
            if (seen[i] === gen) continue;
            seen[i] = gen;
            if (++steps > STEP_BUDGET) return false;
            switch (kind[i]) {
              case SPLIT:
                stack[sp++] = out2[i]!;
                stack[sp++] = out[i]!;
                break;
              case BOL:
                if (pos === 0) stack[sp++] = out[i]!;
                break;
              case EOL:
                if (pos === input.length) stack[sp++] = out[i]!;
                break;
              case MATCH:
                matched = true;
                next[nextLength++] = i;
                break;
              default:
                next[nextLength++] = i;
            }
          }
          return true;
        };
        for (let pos = 0; pos <= input.length; pos++) {
          gen++;
          nextLength = 0;
          // Re-add the surviving threads, then a fresh one: the pattern may start anywhere.
          for (let k = 0; k < currentLength; k++) if (!addThread(current[k]!, pos)) return false;
          if (!addThread(start, pos)) return false;
          if (matched) return true;
          if (pos === input.length) return false;
          const ch = input[pos]!;
          // The threads that read `ch` survive to the next position (`current` was re-added above, so free).
          currentLength = 0;
          for (let k = 0; k < nextLength; k++) {
            const i = next[k]!;
            if (kind[i] === CHAR && preds[i]!(ch)) current[currentLength++] = out[i]!;
          }
          steps += nextLength;
          if (steps > STEP_BUDGET) return false;
        }
        return false;
      }
    },
  };
}
