/**
 * A regular-expression matcher for user-written category rules that cannot
 * be made to backtrack catastrophically: patterns compile to an NFA that is
 * simulated breadth-first (Thompson's construction), so matching costs at most
 * states × input length steps, and a step budget caps even that. The simulation's
 * sets of states are cached as a lazily built DFA (see `Dfa` below), so a pattern
 * tested on many texts costs about one step a character once its states are met.
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
 * cap let a long description run out of budget and silently not match a rule that should have). The DFA
 * keeps to the same bound: at a position it spends 1 step (a cached transition) or at most what the
 * simulation spends there (reading the character with its states, the closure of the next position's); its
 * first state costs the simulation's first closure, a text's end at most its last closure again, which the
 * simulation's reading of no character after the end leaves room for (n + 2n × length + n).
 */
export const MAX_STATES = 240;
/** Compile calls per pattern: a few times MAX_STATES, reached only by repeats of (nearly) empty bodies. */
export const MAX_COMPILE_STEPS = 10_000;
export const MAX_INPUT = 1_000;
/** Steps a test may take: never reached by a pattern of at most MAX_STATES states (see there), NFA or DFA. */
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

/** An escaped character inside a class: `\t` and `\n` are a tab and a newline there too (they were the letters t and n). */
const classEscape = (e: string) => (e === "t" ? "\t" : e === "n" ? "\n" : e.toLowerCase());

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
          // `(?i)`, `(?i:…)`, `(?-m)`: a flag written inside the pattern, which is neither a lookaround nor a name.
          if (/^[imsxuanULJ-]$/.test(this.src[this.i + 1] ?? "")) throw new RegexSyntaxError("Inline flags such as (?i) are not supported");
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
        c = classEscape(e);
      }
      if (this.peek() === "-" && this.src[this.i + 1] !== "]" && this.src[this.i + 1] !== undefined) {
        this.i++;
        let hi = this.src[this.i++]!;
        if (hi === "\\") hi = classEscape(this.src[this.i++] ?? "");
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
 * can bound its total work: per test it is at most 2 × states × (input length + 1), and one step per character
 * of input once the pattern's DFA has met the text's characters before.
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
  /**
   * The same answer from the NFA simulation alone, without the DFA cache: the reference the DFA is checked
   * against (test/lib/safe-regex-dfa.test.ts). Not for callers: it costs states × length steps every time.
   */
  testNfa(input: string, meter?: StepMeter): boolean;
  readonly stateCount: number;
}

/*
 * The DFA (RE2's lazy construction). A DFA state is the set of NFA threads alive before a position is read
 * (each previous position's survivors plus the fresh thread at `start` that lets the pattern begin anywhere),
 * with what the simulation computes there: the char states of the set's epsilon closure (`^` open only at
 * position 0, so the state of position 0 is its own, `atStart`; `$` closed) and whether that closure holds
 * MATCH. `end` is the closure with `$` open, computed when a text ends in the state. Transitions are computed
 * on demand per (state, UTF-16 code unit of the lowercased text: the unit the NFA's predicates read) and kept
 * with the compiled pattern, so the same rule over a space's rows (or a remembered categorizer's writes) meets
 * each state and character once: a character then costs one step and a map lookup, not up to twice the states
 * of the simulation, whatever the pattern's size.
 *
 * Memory is bounded per pattern (DFA_MAX_BYTES, estimated) and over the isolate (DFA_MAX_TOTAL_BYTES: rules
 * stay compiled in up to 256 remembered categorizers). A text that would grow a full cache finishes its test
 * on the NFA from where it is, and the pattern's next test starts with an empty cache; a pattern that fills it
 * DFA_MAX_RESETS times, or once with fewer than DFA_MIN_REUSE characters read a state built (its texts keep
 * meeting new states: `a[ab]{30}` has 2^30), runs on the NFA alone from then on: building a state costs more
 * time than the simulation's steps for it (measured, a row that builds one a character takes about 1.5 times
 * the NFA's), so states that are not reused must not be built for long. Past the isolate's bound every cache
 * is dropped at once.
 */
/**
 * What building a transition costs, in the simulation's steps, for a caller's StepMeter (not the test's own budget,
 * which stays the simulation's): a map miss, a set, a hash lookup and an insert take far longer than the char states
 * they read, which may be none (`^q` past position 0 reads none). Without it a space's rules could build transitions
 * for new characters without end at almost no metered cost (1,333 rules of `^q` over rows of new characters: 5 steps
 * metered for 500 transitions built), and apply-rules' budget no longer bounded its CPU. Measured about 100 ns a
 * transition built, 10-20 ns a step.
 */
export const DFA_BUILD_STEPS = 16;
/** What a test costs beyond its steps, for a caller's StepMeter: lowercasing and slicing the text, the call itself. */
export const TEST_STEPS = 4;

/** A pattern's DFA past which it does not grow (estimated bytes): a few hundred states and their transitions. */
export const DFA_MAX_BYTES = 128 << 10;
/** All patterns' DFAs in the isolate together (estimated bytes); past it they all start afresh. */
export const DFA_MAX_TOTAL_BYTES = 16 << 20;
/** Times a pattern's DFA may fill before the pattern runs on the NFA alone. */
export const DFA_MAX_RESETS = 8;
/** Characters read a state built, at least, for a DFA that filled to start afresh rather than give way to the NFA. */
export const DFA_MIN_REUSE = 10;
/** What a state and a cached transition weigh, roughly, in bytes: an object and two arrays of small integers; a Map entry. */
const stateBytes = (setSize: number, chars: number) => 128 + 4 * (setSize + chars);
/** What a pattern's DFA weighs empty, roughly: its object, two Maps and its WeakMap entry (measured ~1.4 KB with one state). */
const DFA_BASE_BYTES = 1024;
const TRANSITION_BYTES = 40;
/** A transition's key: state id × 2^16 + character code, a small integer while ids stay below 2^14 (DFA_MAX_BYTES / 128 is 1,024). */
const CHAR_CODES = 0x10000;

interface DState {
  /** Its number in its DFA (transitions are keyed by it); -1 while not kept (built past a full cache). */
  id: number;
  /** The NFA threads, distinct, in no particular order: the state's identity. */
  readonly set: number[];
  readonly hash: number;
  readonly atStart: boolean;
  /** The CHAR states of the closure (without `$`): what reads the next character. */
  readonly chars: number[];
  /** The closure (without `$`) holds MATCH: the text matches. */
  readonly match: boolean;
  /** Whether the closure with `$` holds MATCH (a text ending here matches): -1 until computed. */
  end: number;
  /** The next kept state with the same hash. */
  sameHash: DState | null;
}

interface Dfa {
  start: DState | null;
  byHash: Map<number, DState>;
  transitions: Map<number, DState>;
  count: number;
  bytes: number;
  /** Characters of the texts tested with it: how much its states were reused. */
  read: number;
  /** A test found it full: the pattern's next test starts afresh. */
  full: boolean;
}

/** Every pattern's DFA, by its compiled pattern; replaced wholesale (dropping them all) past DFA_MAX_TOTAL_BYTES. */
let dfas = new WeakMap<object, Dfa>();
let dfaTotalBytes = 0;
/** How often each path was taken, for tests and measurements (not hits: that is the per-character loop). */
export const dfaCounters = { statesBuilt: 0, transitionsCached: 0, fallbacks: 0, resets: 0, flushes: 0, nfaOnly: 0 };

/** Room for `bytes` more in `dfa`; false (and the caller stops growing it) when the pattern's or the isolate's bound is reached. */
function reserve(dfa: Dfa, bytes: number): boolean {
  if (dfa.bytes + bytes > DFA_MAX_BYTES) {
    dfa.full = true;
    return false;
  }
  if (dfaTotalBytes + bytes > DFA_MAX_TOTAL_BYTES) {
    // Caches of patterns no longer in use are counted until now: start every pattern afresh. This one is no
    // longer in the map either, so its next test starts afresh too.
    dfas = new WeakMap();
    dfaTotalBytes = 0;
    dfaCounters.flushes++;
    return false;
  }
  dfa.bytes += bytes;
  dfaTotalBytes += bytes;
  return true;
}

// The DFA's scratch, shared by every pattern (a test runs to its end before another starts): marks (a closure's
// seen states; a new set's members) and a closure's stack (a set's members, then two per newly seen state).
const marks = new Int32Array(MAX_STATES).fill(-1);
let markGen = 0;
const closureStack = new Int32Array(3 * MAX_STATES + 1);
const nextMark = () => {
  if (markGen === 0x3fffffff) (marks.fill(-1), (markGen = 0));
  return ++markGen;
};

/** A thread's share of its set's hash: summed, so the order threads are found in does not matter. */
const mix = (s: number) => {
  const h = Math.imul(s + 1, 0x9e3779b1);
  return h ^ (h >>> 15);
};

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

  /** Steps of the test under way (tests are synchronous, so one at a time). */
  let steps = 0;

  /**
   * The NFA simulation from position `from`: with `resume`, the closure at `from` was already computed (and
   * counted) by the DFA, did not match, `from` is before the end, and its char states are `resume`.
   */
  function nfa(input: string, from: number, resume: number[] | null): boolean {
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
    for (let pos = from; pos <= input.length; pos++) {
      if (resume) {
        next.set(resume);
        nextLength = resume.length;
        resume = null;
      } else {
        gen++;
        nextLength = 0;
        // Re-add the surviving threads, then a fresh one: the pattern may start anywhere.
        for (let k = 0; k < currentLength; k++) if (!addThread(current[k]!, pos)) return false;
        if (!addThread(start, pos)) return false;
        if (matched) return true;
        if (pos === input.length) return false;
      }
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

  let closureMatch = false;
  let closureChars: number[] = [];

  /** The closure of `threads`, counted as the simulation counts it: its char states in closureChars, a new array. */
  function closure(threads: number[], bol: boolean, eol: boolean): void {
    const seen = marks;
    const st = closureStack;
    const gen = nextMark();
    let sp = 0;
    for (let k = threads.length - 1; k >= 0; k--) st[sp++] = threads[k]!;
    let count = 0;
    const chars: number[] = [];
    let matched = false;
    while (sp > 0) {
      const i = st[--sp]!;
      if (seen[i] === gen) continue;
      seen[i] = gen;
      count++;
      switch (kind[i]) {
        case SPLIT:
          st[sp++] = out2[i]!;
          st[sp++] = out[i]!;
          break;
        case BOL:
          if (bol) st[sp++] = out[i]!;
          break;
        case EOL:
          if (eol) st[sp++] = out[i]!;
          break;
        case MATCH:
          matched = true;
          break;
        default:
          chars.push(i);
      }
    }
    steps += count;
    closureChars = chars;
    closureMatch = matched;
  }

  /** The state of `threads` (distinct), its closure computed (and counted); not yet kept (id -1). */
  function build(threads: number[], hash: number, atStart: boolean): DState {
    closure(threads, atStart, false);
    dfaCounters.statesBuilt++;
    return { id: -1, set: threads, hash, atStart, chars: closureChars, match: closureMatch, end: -1, sameHash: null };
  }

  /** Whether a text ending in `d` matches: its closure with `$` open. */
  function ends(d: DState): boolean {
    if (d.end >= 0) {
      steps++;
      return d.end === 1;
    }
    closure(d.set, d.atStart, true);
    d.end = closureMatch ? 1 : 0;
    return closureMatch;
  }

  // The compiled pattern's identity for its entry in `dfas`, and how many times its DFA filled.
  const owner = {};
  let resets = 0;
  /** Transitions the current test built (or computed past a full cache): metered at DFA_BUILD_STEPS each. */
  let built = 0;

  /**
   * The DFA's answer, in at most the simulation's steps: a position whose transition is cached costs 1; one
   * that is not costs its state's char states (the simulation's reading of the character) plus, for a new
   * state, its closure (the simulation's closure at the next position); a text's end its closure with `$`
   * open, once per state, then 1.
   */
  function dfaTest(input: string): boolean {
    let dfa = dfas.get(owner);
    if (dfa?.full) {
      dfaTotalBytes -= dfa.bytes;
      dfas.delete(owner);
      dfaCounters.resets++;
      // Filled in fewer than DFA_MIN_REUSE characters a state: its texts keep meeting new states, each costing
      // more than the simulation's step (RE2 gives up on the DFA the same way).
      const reused = dfa.read >= DFA_MIN_REUSE * dfa.count;
      dfa = undefined;
      if (++resets >= DFA_MAX_RESETS || !reused) {
        resets = DFA_MAX_RESETS;
        dfaCounters.nfaOnly++;
        return nfa(input, 0, null);
      }
    }
    if (!dfa) {
      dfa = { start: null, byHash: new Map(), transitions: new Map(), count: 0, bytes: 0, read: 0, full: false };
      if (!reserve(dfa, DFA_BASE_BYTES)) return nfa(input, 0, null);
      dfas.set(owner, dfa);
    }
    dfa.read += input.length;
    const transitions = dfa.transitions;
    let growing = true;
    let d: DState;
    if (dfa.start) (d = dfa.start), steps++;
    else {
      d = build([start], mix(start), true);
      if (reserve(dfa, stateBytes(1, d.chars.length))) (d.id = dfa.count++), (dfa.start = d);
      else growing = false;
    }
    const len = input.length;
    for (let pos = 0; ; pos++) {
      if (d.match) return true;
      if (pos === len) return ends(d);
      const c = input.charCodeAt(pos);
      const cached = transitions.get(d.id * CHAR_CODES + c);
      if (cached !== undefined) {
        steps++;
        d = cached;
        continue;
      }
      if (!growing) {
        dfaCounters.fallbacks++;
        return nfa(input, pos, d.chars);
      }
      // The simulation's step at `pos`: the threads that read the character, then the fresh one at `start`.
      const ch = input[pos]!;
      const chars = d.chars;
      const gen = nextMark();
      const m = marks;
      const set: number[] = [];
      let hash = 0;
      for (let k = 0; k < chars.length; k++) {
        const i = chars[k]!;
        if (preds[i]!(ch)) {
          const o = out[i]!;
          if (m[o] !== gen) (m[o] = gen), set.push(o), (hash = (hash + mix(o)) | 0);
        }
      }
      steps += chars.length;
      built++;
      if (m[start] !== gen) (m[start] = gen), set.push(start), (hash = (hash + mix(start)) | 0);
      // The kept state with these threads: the same count, all of them marked.
      let to = dfa.byHash.get(hash);
      for (; to; to = to.sameHash ?? undefined) {
        if (to.set.length !== set.length) continue;
        let k = 0;
        while (k < to.set.length && m[to.set[k]!] === gen) k++;
        if (k === to.set.length) break;
      }
      if (!to) {
        const made = build(set, hash, false);
        if (!reserve(dfa, stateBytes(set.length, made.chars.length) + TRANSITION_BYTES)) {
          // Full: this test goes on from the new state (its closure is computed) without keeping it, and
          // falls back to the simulation at its next uncached character.
          growing = false;
          d = made;
          continue;
        }
        made.id = dfa.count++;
        made.sameHash = dfa.byHash.get(hash) ?? null;
        dfa.byHash.set(hash, (to = made));
      } else if (!reserve(dfa, TRANSITION_BYTES)) {
        growing = false;
        d = to;
        continue;
      }
      transitions.set(d.id * CHAR_CODES + c, to);
      dfaCounters.transitionsCached++;
      d = to;
    }
  }

  return {
    stateCount: n,
    test(raw: string, meter?: StepMeter): boolean {
      steps = 0;
      built = 0;
      // Lowercased, then cut: a letter that lowercases longer (`İ`) cannot take the text past MAX_INPUT.
      const input = raw.toLowerCase().slice(0, MAX_INPUT);
      const matched = resets >= DFA_MAX_RESETS ? nfa(input, 0, null) : dfaTest(input);
      if (meter) meter.steps += steps + built * DFA_BUILD_STEPS + TEST_STEPS;
      return matched;
    },
    testNfa(raw: string, meter?: StepMeter): boolean {
      steps = 0;
      const matched = nfa(raw.toLowerCase().slice(0, MAX_INPUT), 0, null);
      if (meter) meter.steps += steps + TEST_STEPS;
      return matched;
    },
  };
}
