/**
 * Opaque, time-sortable identifiers with a type prefix (`spc_`, `acc_`, ...):
 * 10 Crockford base32 characters of epoch milliseconds, then 16 random ones.
 * Sorting ids as strings sorts them by creation time.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "usr" | "ses" | "spc" | "acc" | "txn" | "cat" | "rule" | "bud" | "doc" | "ast" | "hh"
  | "job" | "req" | "corr" | "con" | "whk" | "dlv" | "val" | "scen" | "evt" | "trd"
  | "hhm" | "egr" | "ntf" | "eal" | "msg" | "flg";

/** The 10-character time part of an id made at `ms`. */
function timePart(ms: number): string {
  let time = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/**
 * The lowest id of `prefix` made at `ms` or later: every id made before `ms` sorts below it, every id made at or
 * after it sorts at or above it. For range conditions on an index of ids (`id >= idFloor(p, from) AND id < idFloor(p, to)`).
 */
export const idFloor = (prefix: IdPrefix, ms: number): string => `${prefix}_${timePart(Math.max(0, Math.floor(ms)))}`;

export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const time = timePart(now);
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b & 31];
  return `${prefix}_${time}${rand}`;
}

/** `n` ids at once: one random draw for all of them (a bulk import makes thousands, and each draw costs more than the rest). */
export function newIds(prefix: IdPrefix, n: number, now: number = Date.now()): string[] {
  const time = timePart(now);
  const bytes = new Uint8Array(16 * n);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(bytes.length, i + 65_536)));
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let rand = "";
    for (let j = 16 * k; j < 16 * k + 16; j++) rand += ALPHABET[bytes[j]! & 31];
    out.push(`${prefix}_${time}${rand}`);
  }
  return out;
}
