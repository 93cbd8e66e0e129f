/**
 * The log's SHA-256 hash chain. Each row's hash covers the previous hash and
 * every stored column of the row, so editing, deleting or reordering a row
 * breaks verification from that row on.
 */
import { sha256Hex } from "../../lib/crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface LogRow {
  id: number;
  type: string;
  date: number;
  data: string;
  hash: string;
}

export function hashLog(prevHash: string, row: Omit<LogRow, "hash">): Promise<string> {
  return sha256Hex(`${prevHash}|${row.id}|${row.type}|${row.date}|${row.data}`);
}

export type ChainVerdict = { valid: true; checked: number; lastHash: string } | { valid: false; checked: number; firstBrokenId: number; reason: string };

/** Walks rows in id order; reports the first gap or hash mismatch. */
export async function verifyChain(rows: Iterable<LogRow>, prevHash = GENESIS_HASH, expectedId = 0, checkedBefore = 0): Promise<ChainVerdict> {
  let checked = checkedBefore;
  let hash = prevHash;
  let nextId = expectedId;
  for (const row of rows) {
    if (row.id !== nextId) return { valid: false, checked, firstBrokenId: nextId, reason: `Log ${nextId} is missing` };
    const expected = await hashLog(hash, row);
    if (expected !== row.hash) return { valid: false, checked, firstBrokenId: row.id, reason: `Hash of log ${row.id} does not match its content` };
    hash = row.hash;
    nextId++;
    checked++;
  }
  return { valid: true, checked, lastHash: hash };
}
