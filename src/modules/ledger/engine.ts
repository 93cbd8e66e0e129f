/**
 * The pure double-entry core: applies postings to volumes, producing pre- and
 * post-commit volumes, per-address entries with running balances, or the
 * first overdraft. No I/O: the Durable Object feeds it and persists the result.
 */
import { MAX_MINOR } from "../../lib/money";
import { isUnbounded } from "./addresses";
import type { Entry, LedgerFailure, Posting, Volume, VolumesByAccount } from "./types";

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

function snapshot(volumes: Map<string, Volume>, keys: [string, string][]): VolumesByAccount {
  const out: VolumesByAccount = {};
  for (const [address, asset] of keys) {
    const v = volumes.get(volumeKey(address, asset)) ?? { input: 0, output: 0 };
    (out[address] ??= {})[asset] = { input: v.input, output: v.output };
  }
  return out;
}

/**
 * Applies one transaction's postings in order to `volumes` (mutated in place
 * only when the whole transaction succeeds). A bounded source must not go
 * below zero after any of its postings.
 */
export function applyPostings(
  volumes: Map<string, Volume>,
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
  const working = new Map<string, Volume>();
  for (const [address, asset] of touched) {
    const v = pre[address]![asset]!;
    working.set(volumeKey(address, asset), { ...v });
  }
  const entries: Entry[] = [];
  for (let i = 0; i < postings.length; i++) {
    const p = postings[i]!;
    const src = working.get(volumeKey(p.source, p.asset))!;
    const dst = working.get(volumeKey(p.destination, p.asset))!;
    src.output += p.amount;
    dst.input += p.amount;
    if (src.output > MAX_MINOR || dst.input > MAX_MINOR) {
      return { status: 422, code: "VALIDATION_FAILED", message: "Amount would exceed the largest supported volume" };
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
