import { newId } from "../../lib/ids";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Time-sortable ids with this module's prefixes (same alphabet and layout as lib/ids). */
export const walletId = (now: number) => `wal_${newId("ast", now).slice(4)}`;

/**
 * A position's id: the same for a wallet's position key every time it is inserted (26 characters of lib/ids'
 * alphabet from SHA-256 of the wallet id and key; not time-sortable). A position a sync no longer saw loses its
 * row, and one that re-appears is inserted again: with the same id its value history goes on (a re-appearance
 * the same day gives the day's point its value back) instead of a new history starting for every reappearance.
 * Rows inserted before kept their random ids.
 */
export async function positionId(wallet: string, positionKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${wallet}\n${positionKey}`)));
  let out = "pos_";
  for (let i = 0; i < 26; i++) out += ALPHABET[digest[i]! & 31];
  return out;
}
