/**
 * The pure double-entry core: applies postings to volumes, producing pre- and
 * post-commit volumes, per-address entries with running balances, or the
 * first overdraft. No I/O: the Durable Object feeds it and persists the result.
 */
import { MAX_MINOR } from "../../lib/money";
import { isUnbounded } from "./addresses";
import type { Entry, LedgerFailure, Posting, StoredVolume, VolumesByAccount } from "./types";

export const volumeKey = (address: string, asset: string) => `${address}\u0000${asset}`;

export interface OverdraftPolicy {
  /** May `address` hold a negative balance? */
  allowsOverdraft(address: string): boolean;
}

export interface AppliedTx {
  pre: VolumesByAccount;
  post: VolumesByAccount;
  entries: Entry[];
}

function snapshot(volumes: Map<string, StoredVolume>, keys: [string, string][]): VolumesByAccount {
  const out: VolumesByAccount = {};
  for (const [address, asset] of keys) {
    const v = volumes.get(volumeKey(address, asset)) ?? { input: 0, output: 0 };
    (out[address] ??= {})[asset] = { input: v.input, output: v.output };
  }
  return out;
}

const emptyVolume = (): StoredVolume => ({ input: 0, output: 0, rebased: 0n });

/**
 * Takes the smaller side off both of a volume's sides when `side` plus `amount` would pass 2^53: the
 * balance (input - output) is unchanged, and afterwards the side holds at most the balance's magnitude.
 */
function makeRoom(v: StoredVolume, side: "input" | "output", amount: number): void {
  if (v[side] + amount <= MAX_MINOR) return;
  const common = Math.min(v.input, v.output);
  v.input -= common;
  v.output -= common;
  v.rebased += BigInt(common);
}

/**
 * Applies one transaction's postings in order to `volumes` (mutated in place
 * only when the whole transaction succeeds). A bounded source must not go
 * below zero after any of its postings.
 */
export function applyPostings(
  volumes: Map<string, StoredVolume>,
  postings: Posting[],
  seq: number,
  timestamp: number,
  policy: OverdraftPolicy,
): AppliedTx | LedgerFailure {
  const touched: [string, string][] = [];
  const seen = new Set<string>();
  for (const p of postings) {
    for (const address of [p.source, p.destination]) {
      const k = volumeKey(address, p.asset);
      if (!seen.has(k)) {
        seen.add(k);
        touched.push([address, p.asset]);
      }
    }
  }
  const pre = snapshot(volumes, touched);
  const working = new Map<string, StoredVolume>();
  for (const [address, asset] of touched) {
    const k = volumeKey(address, asset);
    working.set(k, { ...(volumes.get(k) ?? emptyVolume()) });
  }
  const entries: Entry[] = [];
  for (let i = 0; i < postings.length; i++) {
    const p = postings[i]!;
    const src = working.get(volumeKey(p.source, p.asset))!;
    const dst = working.get(volumeKey(p.destination, p.asset))!;
    makeRoom(src, "output", p.amount);
    makeRoom(dst, "input", p.amount);
    src.output += p.amount;
    dst.input += p.amount;
    // After makeRoom a side past 2^53 means the balance itself would be: more than we hold exactly.
    if (src.output > MAX_MINOR || dst.input > MAX_MINOR) {
      return {
        status: 422,
        code: "VALIDATION_FAILED",
        message: "Amount would take a balance past the largest supported balance",
        details: [{ field: `postings.${i}.amount`, message: `Balances are held up to ${MAX_MINOR} minor units`, code: "TOO_BIG" }],
      };
    }
    const srcBalance = src.input - src.output;
    if (srcBalance < 0 && !isUnbounded(p.source) && !policy.allowsOverdraft(p.source)) {
      return {
        status: 422,
        code: "INSUFFICIENT_FUNDS",
        message: `Account ${p.source} has insufficient ${p.asset} funds`,
        details: [{ field: `postings.${i}.source`, message: `Balance would be ${srcBalance}`, code: "INSUFFICIENT_FUNDS" }],
      };
    }
    entries.push(
      { address: p.source, asset: p.asset, seq, postingIndex: i, amount: -p.amount, balanceAfter: srcBalance, timestamp },
      { address: p.destination, asset: p.asset, seq, postingIndex: i, amount: p.amount, balanceAfter: dst.input - dst.output, timestamp },
    );
  }
  for (const [k, v] of working) volumes.set(k, v);
  return { pre, post: snapshot(volumes, touched), entries };
}

export const isFailure = (x: unknown): x is LedgerFailure =>
  typeof x === "object" && x !== null && "code" in x && "status" in x;

/** Reversed postings, last first: the compensating transaction of a revert. */
export const reversePostings = (postings: Posting[]): Posting[] =>
  [...postings].reverse().map((p) => ({ source: p.destination, destination: p.source, amount: p.amount, asset: p.asset }));
