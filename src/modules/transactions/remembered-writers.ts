/**
 * What this isolate remembers of the accounts a user has written to: the account's space and currency
 * and the space's time zone, the facts a manual write is built from. With them a writer's next write
 * (one that names its category, or one a remembered categorizer can choose for:
 * categories/remembered-categorizers.ts) skips its access-check round trip: the ledger commits it only if its guard
 * (write-guard.ts) finds, in the same batch, that the session, the role, the account and the zone all
 * still hold.
 *
 * Nothing here grants access. An entry is written only after the ordinary checks let this user write to
 * this account, and is dropped as soon as a guarded write is not committed (whatever the reason); the
 * ordinary checks then run again.
 */
export interface WriterFacts {
  spaceId: string;
  currency: string;
  timezone: string;
}

/** Enough for every writer an isolate serves at once; past it the oldest are forgotten first. */
export const MAX_REMEMBERED_WRITERS = 4096;

const remembered = new Map<string, WriterFacts>();
const keyOf = (userId: string, accountId: string) => `${userId}\n${accountId}`;

export function rememberWriter(userId: string, accountId: string, facts: WriterFacts): void {
  const key = keyOf(userId, accountId);
  remembered.delete(key);
  if (remembered.size >= MAX_REMEMBERED_WRITERS) remembered.delete(remembered.keys().next().value!);
  remembered.set(key, facts);
}

/** The facts of a write by this user to this account in this space, if the ordinary checks passed one. */
export function recallWriter(userId: string, accountId: string, spaceId: string): WriterFacts | null {
  const facts = remembered.get(keyOf(userId, accountId));
  return facts && facts.spaceId === spaceId ? facts : null;
}

export function forgetWriter(userId: string, accountId: string): void {
  remembered.delete(keyOf(userId, accountId));
}
