/**
 * The directory from space to shard: every space is placed when it is created
 * and looked up through the directory (one shard today, `DB`).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/lib/clock";
import { databaseOf, forgetShards, shardOf } from "../../src/lib/shards";
import { createDb } from "../../src/db/client";
import { createSpace, registerUser } from "../helpers";

const svc = () => ({ env, db: createDb(env.DB), clock: systemClock });

describe("space directory", () => {
  it("places a new space on a shard and finds it there", async () => {
    const space = await createSpace(await registerUser());
    const row = await env.DB.prepare("SELECT shard FROM space_shards WHERE space_id = ?").bind(space.id).first<{ shard: string }>();
    expect(row).toEqual({ shard: "DB" });
    forgetShards();
    expect(await shardOf(svc(), space.id)).toBe("DB");
    expect(databaseOf(env, "DB")).toBe(env.DB);
    // Cached: the directory is read once per space and isolate.
    await env.DB.prepare("UPDATE space_shards SET shard = 'gone' WHERE space_id = ?").bind(space.id).run();
    expect(await shardOf(svc(), space.id)).toBe("DB");
    forgetShards(space.id);
    expect(await shardOf(svc(), space.id)).toBeNull(); // a shard this deployment does not have is not trusted
    expect(await shardOf(svc(), "spc_unknown")).toBeNull();
  });
});
