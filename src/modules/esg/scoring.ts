/**
 * What the ESG numbers are, as code. methodology.ts describes exactly this.
 *
 * Asset scores (0–100 integers):
 * - Environmental = consensus points (25 proof-of-stake family, 5 merge-mined
 *   proof-of-work, 0 proof-of-work) + energy points (by Wh per transaction:
 *   unknown 0, <1 → 60, <10 → 52, <100 → 44, <1,000 → 30, <10,000 → 18,
 *   <100,000 → 8, otherwise 0) + renewable points (share % × 15 / 100, rounded
 *   half up; unknown 0).
 * - Social = sum of its four factor scores; Governance likewise.
 * - Overall = 0.4 E + 0.3 S + 0.3 G, rounded half up.
 * Portfolio scores: each component is the mean of the holdings' component
 * weighted by market value (quantity × price, in the space's currency), and
 * the overall is the value-weighted mean of the holdings' unrounded overall;
 * all computed exactly on integers and rounded half up once.
 */
import { divRound } from "../prices/decimal";
import type { ConsensusClass, EsgAsset } from "./dataset";

export const WEIGHTS = { environmental: 0.4, social: 0.3, governance: 0.3 } as const;

export const CONSENSUS_POINTS: Record<ConsensusClass, number> = {
  "proof-of-stake-family": 25,
  "merged-mined-proof-of-work": 5,
  "proof-of-work": 0,
};

/** [upper bound in Wh/tx (exclusive), points]; at or above the last bound: 0. */
export const ENERGY_BANDS: readonly [number, number][] = [
  [1, 60], [10, 52], [100, 44], [1_000, 30], [10_000, 18], [100_000, 8],
];

export const RENEWABLE_MAX_POINTS = 15;

/** Grade bands of seed 000, on the rounded overall score. */
export const GRADE_BANDS: readonly [string, number, number][] = [
  ["A+", 90, 100], ["A", 80, 89], ["B", 70, 79], ["C", 60, 69], ["D", 40, 59], ["F", 0, 39],
];

export function grade(score: number): string {
  for (const [g, lo, hi] of GRADE_BANDS) if (score >= lo && score <= hi) return g;
  return "F";
}

export function energyPoints(whPerTx: number | null): number {
  if (whPerTx === null) return 0;
  for (const [bound, points] of ENERGY_BANDS) if (whPerTx < bound) return points;
  return 0;
}

export function renewablePoints(pct: number | null): number {
  if (pct === null) return 0;
  const tenths = Math.round(pct * 10); // shares are published to one decimal
  return Math.floor((tenths * RENEWABLE_MAX_POINTS + 500) / 1000);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export interface AssetScore {
  environmental: number;
  social: number;
  governance: number;
  overall: number;
  grade: string;
  /** 10 × the unrounded overall (4E + 3S + 3G): exact, for weighting. */
  overallTimes10: number;
  components: { consensusPoints: number; energyPoints: number; renewablePoints: number };
}

export function scoreAsset(a: EsgAsset): AssetScore {
  const consensusPoints = CONSENSUS_POINTS[a.consensusClass];
  const ep = energyPoints(a.energyPerTransaction.value);
  const rp = renewablePoints(a.renewableShare.value);
  const environmental = consensusPoints + ep + rp;
  const social = sum(a.social);
  const governance = sum(a.governance);
  const overallTimes10 = 4 * environmental + 3 * social + 3 * governance;
  const overall = Math.floor((overallTimes10 + 5) / 10);
  return { environmental, social, governance, overall, grade: grade(overall), overallTimes10, components: { consensusPoints, energyPoints: ep, renewablePoints: rp } };
}

export interface Weighted {
  value: bigint;
  score: AssetScore;
}

export interface PortfolioScore {
  environmental: number;
  social: number;
  governance: number;
  overall: number;
  grade: string;
}

/** Value-weighted portfolio score; null when nothing has positive value. */
export function portfolioScore(items: Weighted[]): PortfolioScore | null {
  const held = items.filter((i) => i.value > 0n);
  const total = held.reduce((a, i) => a + i.value, 0n);
  if (total === 0n) return null;
  const mean = (f: (s: AssetScore) => number) => Number(divRound(held.reduce((a, i) => a + i.value * BigInt(f(i.score)), 0n), total));
  const overall = Number(divRound(held.reduce((a, i) => a + i.value * BigInt(i.score.overallTimes10), 0n), total * 10n));
  return {
    environmental: mean((s) => s.environmental),
    social: mean((s) => s.social),
    governance: mean((s) => s.governance),
    overall,
    grade: grade(overall),
  };
}

/** value / total as a fraction rounded to 4 places, and as an exact-enough decimal string. */
export function weightOf(value: bigint, total: bigint): { weight: number; weightDecimal: string } {
  if (total === 0n) return { weight: 0, weightDecimal: "0" };
  const tenThousandths = divRound(value * 10_000n, total);
  const s = tenThousandths.toString().padStart(5, "0");
  const weightDecimal = `${s.slice(0, -4)}.${s.slice(-4)}`;
  return { weight: Number(weightDecimal), weightDecimal };
}
