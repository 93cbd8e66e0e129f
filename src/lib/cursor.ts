/**
 * Opaque cursors for keyset pagination: base64url JSON carrying the position
 * and the filters of the query, so a page request needs only the cursor.
 */
import { toBase64Url } from "./crypto";
import { validationFailed } from "./errors";

export function encodeCursor(payload: unknown): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
}

export function decodeCursor<T>(cursor: string, isValid: (x: unknown) => x is T): T {
  try {
    const b64 = cursor.replace(/-/g, "+").replace(/_/g, "/");
    const parsed: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))));
    if (isValid(parsed)) return parsed;
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([{ field: "cursor", message: "Cursor is malformed or from another query", code: "INVALID_CURSOR" }]);
}

export interface CursorPage<T> {
  pageSize: number;
  hasMore: boolean;
  next?: string;
  previous?: string;
  data: T[];
}
