/**
 * D1 session bookmarks (read replicas). A response carries `X-D1-Bookmark`:
 * the state of the database it saw or wrote; a request that sends it back
 * reads at least that fresh.
 *
 * The header is client input handed back, so it is signed as a cursor is
 * (DESIGN.md): `<D1 bookmark>.<HMAC>`, where D1's bookmark is four
 * dash-separated lower-case hex fields of 8, 8, 8 and 32 digits (which sort as
 * the states they name) and the HMAC-SHA256 over it, cut to 128 bits, is made
 * with a key of its own derived from JWT_SECRET. Only a bookmark this API
 * issued reaches D1: a made-up one, naming a state the database never
 * reached, could otherwise hold a read waiting for it.
 */
import { timingSafeEqual, toHex } from "./crypto";
import { validationFailed } from "./errors";

export const BOOKMARK_HEADER = "X-D1-Bookmark";

const FIELD_LENGTHS = [8, 8, 8, 32];
const MAC_HEX = 32;
// A label of its own, so a bookmark's signature can never stand in for any other HMAC made from JWT_SECRET.
const KEY_LABEL = "dhanam-ledger/bookmark-signing-key/v1";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** The bookmark key for a secret, derived and imported once per isolate. */
function signingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const derived = await crypto.subtle.sign("HMAC", base, encoder.encode(KEY_LABEL));
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    })();
    keys.set(secret, key);
  }
  return key;
}

const macOf = async (secret: string, bookmark: string) =>
  toHex(await crypto.subtle.sign("HMAC", await signingKey(secret), encoder.encode(bookmark))).slice(0, MAC_HEX);

const isHex = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
};

const isD1Bookmark = (s: string) => {
  const fields = s.split("-");
  return fields.length === FIELD_LENGTHS.length && fields.every((f, i) => f.length === FIELD_LENGTHS[i] && isHex(f));
};

const invalidBookmark = () =>
  validationFailed([{ field: BOOKMARK_HEADER, message: "Must be a bookmark this API returned", code: "INVALID_BOOKMARK" }]);

/** The header's value for a D1 bookmark: the bookmark and its signature. */
export const sealBookmark = async (secret: string, bookmark: string) => `${bookmark}.${await macOf(secret, bookmark)}`;

/**
 * The D1 bookmark a client sent back, or null when it sent none; one that is malformed, altered or made up is a
 * 422, checked (in constant time) before D1 sees it.
 */
export async function openBookmark(secret: string, header: string | undefined): Promise<string | null> {
  if (header === undefined || header === "") return null;
  if (header.length > 100) throw invalidBookmark();
  const dot = header.indexOf(".");
  const bookmark = dot < 0 ? "" : header.slice(0, dot);
  const mac = dot < 0 ? "" : header.slice(dot + 1);
  if (!isD1Bookmark(bookmark) || mac.length !== MAC_HEX || !isHex(mac)) throw invalidBookmark();
  if (!timingSafeEqual(mac, await macOf(secret, bookmark))) throw invalidBookmark();
  return bookmark;
}

/** The later of two D1 bookmarks (they sort as the database states they name). */
export const laterBookmark = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
