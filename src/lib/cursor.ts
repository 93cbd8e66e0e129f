/**
 * Opaque cursors for keyset pagination, the one helper every cursor-paged list
 * uses. A cursor carries the position and the query's filters, so a page
 * request needs only the cursor; because a client hands it back, it is
 * treated like fresh input (DESIGN.md): it is signed with HMAC-SHA256 over
 * the list it belongs to and the space it was read from, the signature is
 * checked in constant time before anything in it is parsed, and the payload is
 * then validated by the list's own schema (the same limits as its query).
 * Anything else, forged, tampered, from another space or another list, is a
 * 422 naming the cursor, never a 500.
 *
 * Format: `<base64url JSON payload>.<hex HMAC>`.
 */
import { fromBase64, hmacSha256Hex, timingSafeEqual, toBase64Url } from "./crypto";
import { validationFailed } from "./errors";

/** What a cursor is bound to: a signature made for one scope fails in every other. */
export interface CursorScope {
  /** The server secret the signing key is derived from (env.JWT_SECRET). */
  secret: string;
  /** The list, e.g. "ledger.transactions"; a cursor of one list is refused by another. */
  route: string;
  /** The space the list reads; a cursor of one space is refused in another. */
  spaceId: string;
}

/** Any validator with zod's `safeParse` shape; the list's payload schema. */
export interface CursorSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false };
}

export interface CursorPage<T> {
  pageSize: number;
  hasMore: boolean;
  next?: string;
  previous?: string;
  data: T[];
}

// A label of its own, so a cursor signature can never stand in for any other HMAC made from JWT_SECRET.
const KEY_LABEL = "dhanam-ledger/cursor-signing-key/v1";
const derivedKeys = new Map<string, Promise<string>>();

function signingKey(secret: string): Promise<string> {
  if (!secret || secret.length < 32) throw new Error("JWT_SECRET must be at least 32 characters");
  let key = derivedKeys.get(secret);
  if (!key) {
    key = hmacSha256Hex(secret, KEY_LABEL);
    derivedKeys.set(secret, key);
  }
  return key;
}

// JSON of the three parts, so no choice of route, space or payload can be read as another.
const signedText = (scope: CursorScope, body: string) => JSON.stringify([scope.route, scope.spaceId, body]);

export async function signCursor(scope: CursorScope, payload: unknown): Promise<string> {
  const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
  return `${body}.${await hmacSha256Hex(await signingKey(scope.secret), signedText(scope, body))}`;
}

export const invalidCursor = () =>
  validationFailed([{ field: "cursor", message: "Cursor is malformed, altered or from another query", code: "INVALID_CURSOR" }]);

const CURSOR_SHAPE = /^([A-Za-z0-9_-]+)\.([0-9a-f]{64})$/;

/** The payload of a cursor this scope signed, validated by `schema`; otherwise a 422 INVALID_CURSOR. */
export async function openCursor<T>(scope: CursorScope, cursor: string, schema: CursorSchema<T>): Promise<T> {
  const m = CURSOR_SHAPE.exec(cursor);
  if (!m) throw invalidCursor();
  const [, body, mac] = m as unknown as [string, string, string];
  const expected = await hmacSha256Hex(await signingKey(scope.secret), signedText(scope, body));
  if (!timingSafeEqual(mac, expected)) throw invalidCursor();
  let payload: unknown;
  try {
    const bytes = fromBase64(body.replace(/-/g, "+").replace(/_/g, "/"));
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw invalidCursor(); // only a cursor we signed gets here, but it is still checked like input
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}
