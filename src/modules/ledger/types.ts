/** The ledger's vocabulary, shared by the Durable Object, services and routes. */
export interface Posting {
  source: string;
  destination: string;
  /** Integer minor units of `asset`; zero is allowed, negative is not. */
  amount: number;
  asset: string;
}

export interface Volume {
  input: number;
  output: number;
}

/**
 * An address's volumes as the ledger object holds and stores them. Volumes are cumulative, so traffic
 * alone (an income and its void) could push one past 2^53 while the balance stays small; the engine then
 * takes the smaller side off both (`rebased` keeps the running total taken, exact), so the balance is
 * unchanged and only a balance past 2^53 is refused.
 */
export interface StoredVolume extends Volume {
  rebased: bigint;
}

/** {address: {asset: volume}} */
export type VolumesByAccount = Record<string, Record<string, Volume>>;

export type Metadata = Record<string, string>;

/** A transaction to commit, before it has a sequence number. */
export interface TxIntent {
  postings: Posting[];
  reference?: string;
  metadata?: Metadata;
  /** Epoch ms; defaults to the commit time. */
  timestamp?: number;
}

export interface CommittedTx {
  txid: number;
  postings: Posting[];
  reference: string | null;
  metadata: Metadata;
  timestamp: number;
  preCommitVolumes: VolumesByAccount;
  postCommitVolumes: VolumesByAccount;
  reverted: boolean;
  revertedBy: number | null;
  reverts: number | null;
}

/** One side of a posting as seen by one address. */
export interface Entry {
  address: string;
  asset: string;
  seq: number;
  postingIndex: number;
  amount: number;
  balanceAfter: number;
  timestamp: number;
}

/** Metadata keys one transaction or account may hold: checked on what a write sends and on what a merge leaves. */
export const MAX_METADATA_KEYS = 64;

export interface LedgerFailure {
  status: number;
  code: "INSUFFICIENT_FUNDS" | "CONFLICT" | "ALREADY_REVERTED" | "RESOURCE_NOT_FOUND" | "IDEMPOTENCY_KEY_REUSED" | "VALIDATION_FAILED" | "INTERNAL_ERROR" | "UNVERIFIED";
  message: string;
  details?: { field: string; message: string; code: string }[];
}
