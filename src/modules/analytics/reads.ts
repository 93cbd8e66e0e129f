/**
 * A space's reads that come with their reader, for the role check's batch (readSpace): the
 * statements go in the batch, and their results are read only after the check passed.
 */
import type { AuthContext, Services } from "../../env";
import type { SqlGuard } from "../../lib/sql";
import { type Membership, readSpace, type Role } from "../spaces/access";

export interface Reads<T> {
  statements: D1PreparedStatement[];
  read: (results: D1Result[]) => T;
}

/** readSpace with reads that come with their reader (none: `plan` null); `data` is null without a plan. */
export async function readSpaceWith<T>(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  min: Role,
  plan: ((space: SqlGuard) => Reads<T>) | null,
): Promise<{ membership: Membership; data: T | null }> {
  let reads: Reads<T> | null = null;
  const { membership, results } = await readSpace(svc, auth, spaceId, min, (g) => (reads = plan?.(g) ?? null)?.statements ?? []);
  const done = reads as Reads<T> | null;
  return { membership, data: done ? done.read(results) : null };
}
