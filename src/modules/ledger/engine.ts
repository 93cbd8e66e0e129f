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

const MAX = BigInt(MAX_MINOR);

/**
 * Adds a posting's amounts to a volume's sides (both, for a posting from an address to itself). When a side
 * would pass 2^53 - 1, the smaller side is first taken off both, the balance (input - output) unchanged, so
 * afterwards the sides hold at most the balance's magnitude. In bigints: a side plus an amount can pass 2^53.
 * False when even then a side is past the limit: the balance itself would be.
 */
function addToVolume(v: StoredVolume, input: number, output: number): boolean {
  // The usual case in doubles: a sum of two values ≤ 2^53 - 1 that is ≤ 2^53 - 1 is exact, and one that is
  // not rounds to at least 2^53, so the comparison is exact too.
  if (v.input + input <= MAX_MINOR && v.output + output <= MAX_MINOR) {
    v.input += input;
    v.output += output;
    return true;
  }
  const i = BigInt(v.input) + BigInt(input);
  const o = BigInt(v.output) + BigInt(output);
  const common = i > MAX || o > MAX ? (i < o ? i : o) : 0n;
  if (i - common > MAX || o - common > MAX) return false;
  v.input = Number(i - common);
  v.output = Number(o - common);
  v.rebased += common;
  return true;
}

/** The refusal of a posting that would take `address`'s balance past what is held exactly. */
const balanceTooLarge = (address: string, asset: string, i: number): LedgerFailure => ({
  status: 422,
  code: "VALIDATION_FAILED",
  message: `The ${asset} balance of ${address} would pass the largest supported balance (${MAX_MINOR} minor units in either direction)`,
  details: [{ field: `postings.${i}`, message: `${address} would be out of range`, code: "TOO_BIG" }],
});

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
    if (src === dst) {
      if (!addToVolume(src, p.amount, p.amount)) return balanceTooLarge(p.source, p.asset, i);
    } else {
      if (!addToVolume(src, 0, p.amount)) return balanceTooLarge(p.source, p.asset, i);
      if (!addToVolume(dst, p.amount, 0)) return balanceTooLarge(p.destination, p.asset, i);
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
