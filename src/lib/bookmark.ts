/**
 * D1 session bookmarks (read replicas). A response carries `X-D1-Bookmark`:
 * the state of the database it saw or wrote; a request that sends it back
 * reads at least that fresh. The header is client input, so it is checked
 * strictly before D1 sees it: four dash-separated lower-case hex fields of 8,
 * 8, 8 and 32 digits, which also sort as the states they name.
 */
import { validationFailed } from "./errors";

export const BOOKMARK_HEADER = "X-D1-Bookmark";

const FIELD_LENGTHS = [8, 8, 8, 32];

const isHex = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
};

/** The bookmark a client sent, or null when it sent none; a malformed one is a 422. */
export function bookmarkFrom(header: string | undefined): string | null {
  if (header === undefined || header === "") return null;
  const fields = header.length <= 60 ? header.split("-") : [];
  const ok = fields.length === FIELD_LENGTHS.length && fields.every((f, i) => f.length === FIELD_LENGTHS[i] && isHex(f));
  if (!ok) throw validationFailed([{ field: BOOKMARK_HEADER, message: "Must be a bookmark this API returned", code: "INVALID_BOOKMARK" }]);
  return header;
}

/** The later of two bookmarks (they sort as the database states they name). */
export const laterBookmark = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
