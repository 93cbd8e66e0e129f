/**
 * The field name a client most likely meant by one the request does not take: a typo of a body field or a query
 * parameter (`nmae`, `acountId`, `page_size`, `spaceid`), so the refusal can say which name to send.
 */

/** A field name as a typo may differ from it only in case, `_` or `-`. */
const looseName = (name: string) => name.toLowerCase().replaceAll("_", "").replaceAll("-", "");

/** Whether two names are at most `max` edits apart (Levenshtein); only short names are compared (loops, no RegExp). */
function withinEdits(a: string, b: string, max: number): boolean {
  if (a.length > 64 || b.length > 64 || Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return false;
    prev = row;
  }
  return prev[b.length]! <= max;
}

/**
 * Of `candidates`, the one `key` most likely stands for: a name that differs only in case, `_` or `-`, else one at most
 * two edits away (names of four letters or more); undefined when none is that close.
 */
export function meantField(key: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const loose = looseName(key);
  return (
    list.find((m) => looseName(m) === loose) ??
    (loose.length >= 4 ? list.find((m) => m.length >= 4 && withinEdits(loose, looseName(m), 2)) : undefined)
  );
}

/** How many unknown fields one refusal names (the rest are counted), a body's or a URL's. */
export const MAX_UNKNOWN_SHOWN = 10;

/** An unknown key as a refusal shows it: cut to 64 characters, so a made-up key of any size is not echoed whole. */
export const shownKey = (key: string) => (key.length > 64 ? `${key.slice(0, 64)}…` : key);
