/**
 * Opaque, time-sortable identifiers with a type prefix (`spc_`, `acc_`, ...):
 * 10 Crockford base32 characters of epoch milliseconds, then 16 random ones.
 * Sorting ids as strings sorts them by creation time.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "usr" | "ses" | "spc" | "acc" | "txn" | "cat" | "rule" | "bud" | "doc" | "ast" | "hh"
  | "job" | "req" | "corr" | "con" | "whk" | "dlv" | "val" | "scen" | "evt" | "trd"
  | "hhm" | "egr" | "ntf" | "eal" | "msg";

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b & 31];
  return `${prefix}_${time}${rand}`;
}
