/**
 * The learning categorizer: multinomial naive Bayes over merchant and
 * description tokens, with Laplace smoothing and a temperature that turns the
 * (typically overconfident) posteriors into calibrated confidences. Pure: the
 * counts come from D1 (store.ts) or from memory in tests.
 */
import { normalizeMerchant, tokens } from "./normalize";

/** The normalized merchant is the strongest signal: it counts as this many tokens. */
export const MERCHANT_WEIGHT = 3;
const ALPHA = 1;
export const TEMPERATURES = [1, 1.5, 2, 3, 4, 6, 8, 12];

export interface Example {
  merchantName: string | null;
  description: string;
  amountMinor: number;
}

export function features(x: Example): string[] {
  const out: string[] = [];
  const merchant = normalizeMerchant(x.merchantName);
  if (merchant) for (let i = 0; i < MERCHANT_WEIGHT; i++) out.push(`m:${merchant}`);
  for (const t of tokens(x.merchantName)) out.push(t);
  for (const t of tokens(x.description)) out.push(t);
  out.push(x.amountMinor < 0 ? "sign:out" : "sign:in");
  return out;
}

export interface Counts {
  /** token -> category -> count */
  tokens: Map<string, Map<string, number>>;
  catDocs: Map<string, number>;
  catTokens: Map<string, number>;
  /** Distinct tokens in the whole model (for smoothing). */
  vocabulary: number;
}

export function emptyCounts(): Counts {
  return { tokens: new Map(), catDocs: new Map(), catTokens: new Map(), vocabulary: 0 };
}

export function addExample(c: Counts, feats: string[], category: string, weight = 1): void {
  c.catDocs.set(category, (c.catDocs.get(category) ?? 0) + weight);
  c.catTokens.set(category, (c.catTokens.get(category) ?? 0) + weight * feats.length);
  for (const f of feats) {
    let m = c.tokens.get(f);
    if (!m) {
      m = new Map();
      c.tokens.set(f, m);
      c.vocabulary++;
    }
    m.set(category, (m.get(category) ?? 0) + weight);
  }
}

export function train(examples: { x: Example; category: string }[]): Counts {
  const c = emptyCounts();
  for (const e of examples) addExample(c, features(e.x), e.category);
  return c;
}

export interface Prediction {
  categoryId: string;
  confidence: number;
  ranked: { categoryId: string; probability: number }[];
  /** The features that pushed most toward the winner over the runner-up. */
  evidence: { token: string; weight: number }[];
  merchant: string | null;
  /**
   * What of the transaction itself the winner was learned from: its merchant, or more than half of its words;
   * null when it won on the prior and a few shared words. Only a supported prediction categorizes on its own
   * (the softmax over the categories the model knows always sums to 1, evidence or not).
   */
  support: "merchant" | "words" | null;
}

const isContent = (f: string) => !f.startsWith("sign:");

/** How far the model's knowledge of `category` covers this transaction's own merchant and words. */
function supportOf(c: Counts, feats: string[], category: string): Prediction["support"] {
  const content = [...new Set(feats.filter(isContent))];
  const seen = (f: string) => (c.tokens.get(f)?.get(category) ?? 0) > 0;
  if (content.some((f) => f.startsWith("m:") && seen(f))) return "merchant";
  const words = content.filter((f) => !f.startsWith("m:"));
  const known = words.filter(seen).length;
  return known * 2 > words.length ? "words" : null;
}

function logLikelihoods(c: Counts, feats: string[]): Map<string, number> {
  const totalDocs = [...c.catDocs.values()].reduce((a, b) => a + b, 0);
  const k = c.catDocs.size;
  const out = new Map<string, number>();
  for (const [cat, docs] of c.catDocs) {
    if (docs <= 0) continue;
    let lp = Math.log((docs + 1) / (totalDocs + k));
    const denom = (c.catTokens.get(cat) ?? 0) + ALPHA * Math.max(1, c.vocabulary);
    for (const f of feats) {
      const m = c.tokens.get(f);
      if (!m) continue; // unseen everywhere: the same factor for every category
      lp += Math.log(((m.get(cat) ?? 0) + ALPHA) / denom);
    }
    out.set(cat, lp);
  }
  return out;
}

function softmax(scores: Map<string, number>, temperature: number): { categoryId: string; probability: number }[] {
  const entries = [...scores].map(([categoryId, s]) => ({ categoryId, s: s / temperature }));
  const max = Math.max(...entries.map((e) => e.s));
  const exps = entries.map((e) => ({ categoryId: e.categoryId, e: Math.exp(e.s - max) }));
  const z = exps.reduce((a, b) => a + b.e, 0);
  return exps.map((e) => ({ categoryId: e.categoryId, probability: e.e / z })).sort((a, b) => b.probability - a.probability);
}

export function predict(c: Counts, x: Example, temperature = 1): Prediction | null {
  const feats = features(x);
  // Nothing of the transaction's merchant or words was ever learned: no prediction (the sign alone would pick the
  // category with the most examples, with a confidence of 1 when the model knows one category).
  if (!feats.some((f) => isContent(f) && [...(c.tokens.get(f)?.values() ?? [])].some((n) => n > 0))) return null;
  const scores = logLikelihoods(c, feats);
  if (scores.size === 0) return null;
  const ranked = softmax(scores, temperature);
  const best = ranked[0]!;
  const second = ranked[1]?.categoryId;
  const evidence = new Map<string, number>();
  for (const f of new Set(feats)) {
    const m = c.tokens.get(f);
    if (!m) continue;
    const denom = (cat: string) => (c.catTokens.get(cat) ?? 0) + ALPHA * Math.max(1, c.vocabulary);
    const p = (cat: string) => Math.log(((m.get(cat) ?? 0) + ALPHA) / denom(cat));
    // Against the runner-up, or, with a single category, against a token it never saw.
    const baseline = second ? p(second) : Math.log(ALPHA / denom(best.categoryId));
    const w = feats.filter((g) => g === f).length * (p(best.categoryId) - baseline);
    if (w > 0) evidence.set(f, +w.toFixed(3));
  }
  const merchant = normalizeMerchant(x.merchantName);
  return {
    categoryId: best.categoryId,
    confidence: +best.probability.toFixed(4),
    ranked: ranked.slice(0, 3).map((r) => ({ categoryId: r.categoryId, probability: +r.probability.toFixed(4) })),
    evidence: [...evidence].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([token, weight]) => ({ token, weight })),
    merchant: merchant && c.tokens.get(`m:${merchant}`)?.has(best.categoryId) ? merchant : null,
    support: supportOf(c, feats, best.categoryId),
  };
}

/**
 * Picks the temperature that minimizes log-loss on held-out examples, so a
 * reported confidence of 0.8 is right about 80% of the time.
 */
export function calibrate(c: Counts, holdout: { x: Example; category: string }[]): number {
  if (holdout.length < 20) return 1;
  let best = 1;
  let bestLoss = Infinity;
  const scored = holdout.map((h) => ({ scores: logLikelihoods(c, features(h.x)), category: h.category }));
  for (const t of TEMPERATURES) {
    let loss = 0;
    for (const s of scored) {
      if (s.scores.size === 0) continue;
      const p = softmax(s.scores, t).find((r) => r.categoryId === s.category)?.probability ?? 1e-9;
      loss -= Math.log(Math.max(p, 1e-9));
    }
    if (loss < bestLoss) (bestLoss = loss), (best = t);
  }
  return best;
}
