/**
 * Ledger addresses: `world`, `accounts:acc_X`, `expense:cat_Y`... Segments are
 * letters, digits and underscores separated by colons (Formance's rule).
 */
export const ADDRESS_PATTERN = /^[a-zA-Z0-9_]{1,64}(:[a-zA-Z0-9_]{1,64}){0,9}$/;

export const accountAddress = (accountId: string) => `accounts:${accountId}`;

/** The Dhanam account id behind an `accounts:<id>` address, if it is one. */
export function accountIdOf(address: string): string | null {
  const m = /^accounts:([a-z]+_[a-z0-9]+)$/.exec(address);
  return m ? m[1]! : null;
}

/**
 * Counterparty addresses that may go negative: the outside world, income and
 * expense categories, and equity (opening balances).
 */
export function isUnbounded(address: string): boolean {
  return address === "world" || /^(income|expense|equity)(:|$)/.test(address);
}

/*
 * Address filters (`users:alice`, `users:*`, `users:*_vip:...`): `*` matches
 * any run of characters within one segment, and a last segment `...` matches
 * any number of further segments, none included.
 *
 * A filter is user text, so it never becomes a RegExp: it is parsed once, in
 * one pass, into segment patterns, and matched either in SQL (`addressFilterSql`,
 * what the list routes use) or in JS (`matchAddress`, the same semantics, with
 * a step counter that proves the work is linear in pattern plus address).
 */
export const MAX_FILTER_SEGMENTS = 10;
/** A literal segment can be no longer than an address segment and still match. */
export const MAX_LITERAL_SEGMENT = 64;
/** D1 refuses GLOB patterns over 50 bytes ("pattern too complex"), so a wildcard segment stops there. */
export const MAX_WILDCARD_SEGMENT = 50;

export interface AddressFilter {
  /** The filter as validated, runs of `*` collapsed: what cursors carry. */
  readonly text: string;
  /** Segment patterns before a trailing `...`; literal, `*`, or literal runs around single `*`s. */
  readonly segments: readonly string[];
  /** True when the filter ends in `...`. */
  readonly rest: boolean;
  /** True when the filter names one address and nothing else. */
  readonly literal: boolean;
}

/** Counts the character comparisons a match makes; tests use it to prove the work linear. */
export interface MatchMeter {
  steps: number;
}

export class AddressFilterError extends Error {}

const isSegmentChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // 0-9 A-Z a-z _
const STAR = 42;

/**
 * Validates and normalizes a filter, or throws AddressFilterError with a
 * message fit for a 422. One left-to-right pass over the text.
 */
export function compileAddressFilter(text: string, meter?: MatchMeter): AddressFilter {
  const parts = text.split(":");
  if (parts.length > MAX_FILTER_SEGMENTS) throw new AddressFilterError(`At most ${MAX_FILTER_SEGMENTS} segments`);
  const rest = parts[parts.length - 1] === "...";
  const fixed = rest ? parts.slice(0, -1) : parts;
  const segments: string[] = [];
  for (const part of fixed) {
    let seg = "";
    let literals = 0;
    for (let i = 0; i < part.length; i++) {
      if (meter) meter.steps++;
      const c = part.charCodeAt(i);
      if (c === STAR) {
        if (!seg.endsWith("*")) seg += "*";
      } else if (isSegmentChar(c)) {
        seg += part[i];
        literals++;
      } else {
        throw new AddressFilterError(
          part === "..." ? "'...' may only be the last segment" : "Segments are letters, digits, _ or *, separated by ':'",
        );
      }
    }
    if (seg === "") throw new AddressFilterError("Segments must not be empty");
    const wildcard = seg.includes("*");
    if (!wildcard && literals > MAX_LITERAL_SEGMENT) throw new AddressFilterError(`A segment is at most ${MAX_LITERAL_SEGMENT} characters`);
    if (wildcard && seg.length > MAX_WILDCARD_SEGMENT) throw new AddressFilterError(`A segment with * is at most ${MAX_WILDCARD_SEGMENT} characters`);
    segments.push(seg);
  }
  const normalized = [...segments, ...(rest ? ["..."] : [])].join(":");
  return { text: normalized, segments, rest, literal: !rest && segments.every((s) => !s.includes("*")) };
}

/**
 * Whether `address` matches. Each segment pattern is literal pieces between
 * `*`s; the first piece must start the segment, the last end it, and the
 * middle ones are found left to right, each at its earliest place (for `*`
 * alone that is always a correct choice). Every character of the address is
 * compared a bounded number of times, so the work is linear.
 */
export function matchAddress(filter: AddressFilter, address: string, meter: MatchMeter = { steps: 0 }): boolean {
  let pos = 0;
  for (const seg of filter.segments) {
    if (pos > address.length) return false; // fewer segments than the filter
    let end = pos;
    while (end < address.length && address.charCodeAt(end) !== 58) (end++, meter.steps++); // 58 is ':'
    if (!matchSegment(seg, address, pos, end, meter)) return false;
    pos = end + 1;
  }
  return filter.rest || pos === address.length + 1;
}

function matchSegment(pattern: string, s: string, from: number, to: number, meter: MatchMeter): boolean {
  const pieces = pattern.split("*");
  meter.steps += pattern.length;
  if (pieces.length === 1) return to - from === pattern.length && startsAt(s, from, pattern, meter);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (to - from < first.length + last.length) return false;
  if (!startsAt(s, from, first, meter) || !startsAt(s, to - last.length, last, meter)) return false;
  let at = from + first.length;
  const stop = to - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = findFrom(s, pieces[i]!, at, stop, meter);
    if (found < 0) return false;
    at = found + pieces[i]!.length;
  }
  return true;
}

function startsAt(s: string, at: number, piece: string, meter: MatchMeter): boolean {
  for (let i = 0; i < piece.length; i++) {
    meter.steps++;
    if (s.charCodeAt(at + i) !== piece.charCodeAt(i)) return false;
  }
  return true;
}

/** First index ≥ `from` where `piece` lies wholly before `stop`, or -1: Knuth-Morris-Pratt, so never more than 2·(stop − from) + 2·|piece| steps. */
function findFrom(s: string, piece: string, from: number, stop: number, meter: MatchMeter): number {
  const fail = new Int32Array(piece.length);
  for (let i = 1, k = 0; i < piece.length; i++) {
    while (k > 0 && piece[i] !== piece[k]) (k = fail[k - 1]!, meter.steps++);
    meter.steps++;
    if (piece[i] === piece[k]) k++;
    fail[i] = k;
  }
  for (let i = from, k = 0; i < stop; i++) {
    while (k > 0 && s[i] !== piece[k]) (k = fail[k - 1]!, meter.steps++);
    meter.steps++;
    if (s[i] === piece[k]) k++;
    if (k === piece.length) return i - piece.length + 1;
  }
  return -1;
}

/**
 * The SQL condition that the address-valued expression `column` matches,
 * with its parameters in order. `column` is written by our code, never by the
 * caller. Nothing here binds a list of addresses: the matching happens in
 * SQLite, segment by segment, whatever the number of matching addresses.
 *
 * - A literal filter is an equality (an index lookup).
 * - Otherwise the address must have exactly the filter's number of segments
 *   (at least, with `...`), each segment is compared on its own (`=` for a
 *   literal one, GLOB for one with `*`, nothing for `*` alone), and the literal
 *   text before the first `*` becomes a range so an index narrows the scan.
 *   Segment patterns hold only [A-Za-z0-9_*], so GLOB sees no `?` or `[` and
 *   nothing needs escaping; each is at most 50 bytes with single `*`s, and
 *   SQLite's GLOB gives up at the first `*` that cannot be satisfied, so a row
 *   costs at most segment × pattern comparisons, both bounded.
 */
export function addressFilterSql(filter: AddressFilter, column: string): { sql: string; params: string[] } {
  if (filter.literal) return { sql: `${column} = ?`, params: [filter.text] };
  const conds: string[] = [];
  const params: string[] = [];
  const joined = filter.segments.join(":");
  const star = joined.indexOf("*");
  const prefix = star < 0 ? joined : joined.slice(0, star);
  if (prefix) {
    // '~' sorts after every character an address may hold.
    conds.push(`${column} >= ?`, `${column} < ?`);
    params.push(prefix, `${prefix}~`);
  }
  const colons = `(length(${column}) - length(replace(${column}, ':', '')))`;
  const n = filter.segments.length;
  if (n > 0) conds.push(`${colons} ${filter.rest ? ">=" : "="} ${n - 1}`);
  const checks: string[] = [];
  // Segment i of the address, by splitting it into a JSON array; addresses hold no quote or backslash (checked below).
  const segment = (i: number) => `json_extract('["' || replace(${column}, ':', '","') || '"]', '$[${i}]')`;
  filter.segments.forEach((seg, i) => {
    if (seg === "*") return;
    checks.push(`${segment(i)} ${seg.includes("*") ? "GLOB" : "="} ?`);
    params.push(seg);
  });
  if (checks.length > 0) {
    // An address outside the address alphabet would not split into valid JSON; it matches no filter instead of failing the query.
    conds.push(`CASE WHEN ${column} GLOB '*[^A-Za-z0-9_:]*' THEN 0 ELSE (${checks.join(" AND ")}) END`);
  }
  return { sql: conds.length > 0 ? conds.join(" AND ") : "1", params };
}
