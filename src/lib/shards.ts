/**
 * Where a space's data lives: the directory from space to shard (a D1
 * database binding). Users, sessions and the directory itself stay in the
 * first database (`DB`); a space's ledger, accounts and transactions belong
 * to its shard. Today there is one shard, so every space maps to `DB`, but
 * new spaces are placed and looked up through here, which is what adding a
 * shard or moving a space changes (docs/SCALING.md).
 */
import type { Services } from "../env";

/** D1 bindings that hold spaces, in the order new spaces fill them. */
export const SHARDS = ["DB"] as const;
export type Shard = (typeof SHARDS)[number];

/** Where a new space goes: the open shard (a placement policy by load comes with the second shard). */
export const shardForNewSpace = (): Shard => SHARDS[SHARDS.length - 1]!;

/** Space → shard, per isolate: a space moves rarely, and a move bumps its directory row before its data is used. */
const cache = new Map<string, Shard>();

/** The shard of a space, from the directory (cached); null for a space the directory does not know. */
export async function shardOf(svc: Services, spaceId: string): Promise<Shard | null> {
  const known = cache.get(spaceId);
  if (known) return known;
  const row = await svc.env.DB.prepare("SELECT shard FROM space_shards WHERE space_id = ?").bind(spaceId).first<{ shard: string }>();
  if (!row || !(SHARDS as readonly string[]).includes(row.shard)) return null;
  cache.set(spaceId, row.shard as Shard);
  return row.shard as Shard;
}

/** The D1 database of a shard. */
export function databaseOf(env: Env, shard: Shard): D1Database {
  return env[shard];
}

/** Forgets cached placements (a moved space, or tests). */
export const forgetShards = (spaceId?: string) => (spaceId ? cache.delete(spaceId) : cache.clear());
