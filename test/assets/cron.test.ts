/**
 * The daily "0 4 * * *" cron: linked valuations refreshed once per asset per
 * day however often it runs, and abandoned uploads removed with any partial
 * object.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { cleanupPendingUploads } from "../../src/modules/documents/service";
import { createSpace, eventually, registerUser } from "../helpers";
import { runValuationRefresh, VALUATION_REFRESH } from "../../src/modules/assets/refresh";
import { ESG_SNAPSHOT } from "../../src/modules/esg/service";
import { handleScheduled } from "../../src/jobs/scheduled";
import { createAccount } from "../accounts/helpers";
import { svcAt, uploadUrl, put, bytesOf, docRow } from "../documents/helpers";
import { as, createAsset, SAMPLE_ADDRESS, refreshLinkedValuations } from "./helpers";

const valuations = async (assetId: string) =>
  (await env.DB.prepare("SELECT value, source, refresh_day FROM asset_valuations WHERE asset_id = ? ORDER BY created_at").bind(assetId).all<{ value: number; source: string; refresh_day: string | null }>()).results;

describe("daily valuation refresh", () => {
  it("records one valuation per linked asset per day, however many times it runs", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    const house = await createAsset(u, space.id, { value: 850000, address: SAMPLE_ADDRESS });
    await a.get(`/v1/real-estate/${house.id}/zestimate`);
    await a.post(`/v1/real-estate/${house.id}/sync`); // remembers the property
    const unlinked = await createAsset(u, space.id, { name: "Car", type: "vehicle", value: 1 });

    const day = Date.parse("2031-05-05T04:00:00Z");
    const first = await refreshLinkedValuations(svcAt(day));
    const second = await refreshLinkedValuations(svcAt(day + 3 * 3600_000));
    expect(first.recorded).toBeGreaterThanOrEqual(2);
    expect(second.recorded).toBe(0);
    expect((await valuations(shoe.id)).filter((v) => v.refresh_day)).toEqual([{ value: 32000, source: "sneaks", refresh_day: "2031-05-05" }]);
    expect((await valuations(house.id)).filter((v) => v.refresh_day)).toEqual([{ value: 87500000, source: "Zillow Zestimate", refresh_day: "2031-05-05" }]);
    expect(await valuations(unlinked.id)).toHaveLength(1);
    // The unique index holds even against a writer that skips the check.
    await expect(env.DB.prepare("INSERT INTO asset_valuations (id, asset_id, space_id, value, currency, date, valued_at, source, refresh_day, created_at) VALUES ('val_dup', ?, ?, 1, 'USD', '2031-05-05', 1, 'x', '2031-05-05', 1)").bind(shoe.id, space.id).run()).rejects.toThrow(/UNIQUE/);
    // The next day, one more.
    await refreshLinkedValuations(svcAt(day + 86_400_000));
    expect((await valuations(shoe.id)).filter((v) => v.refresh_day).map((v) => v.refresh_day)).toEqual(["2031-05-05", "2031-05-06"]);
  });

  it("runs from the Worker's scheduled handler on its cron", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await as(u).post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    // The cron only sends a message per asset; the queue's consumer (this Worker) records the valuation.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "0 4 * * *", scheduledTime: Date.now() }), env);
    await waitOnExecutionContext(ctx);
    await eventually(async () => (await valuations(shoe.id)).some((v) => v.refresh_day));
    // A second run the same day sends nothing for it (and a message delivered twice adds nothing).
    await worker.scheduled(createScheduledController({ cron: "0 4 * * *", scheduledTime: Date.now() }), env);
    await runValuationRefresh(svcAt(Date.now()), shoe.id, new Date().toISOString().slice(0, 10));
    expect((await valuations(shoe.id)).filter((v) => v.refresh_day)).toHaveLength(1);
  });

  it("the 04:00 fan-out goes to the background queue, never ahead of the syncs people wait on", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await as(u).post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    await createAccount(u, space.id, { name: "Bitcoin", type: "crypto", currency: "BTC", openingBalance: "0.025" });
    const sent: Record<string, Array<{ type: string; [k: string]: unknown }>> = { SYNC_QUEUE: [], BACKGROUND_QUEUE: [] };
    const catching = (name: string) => ({ sendBatch: async (batch: Array<{ body: { type: string } }>) => void sent[name]!.push(...batch.map((m) => m.body)), send: async (body: { type: string }) => void sent[name]!.push(body) }) as unknown as Queue;
    await handleScheduled(createScheduledController({ cron: "0 4 * * *", scheduledTime: Date.now() }), { ...env, SYNC_QUEUE: catching("SYNC_QUEUE"), BACKGROUND_QUEUE: catching("BACKGROUND_QUEUE") } as Env);
    expect(sent.SYNC_QUEUE).toEqual([]);
    expect(sent.BACKGROUND_QUEUE!.filter((m) => m.assetId === shoe.id || m.spaceId === space.id).map((m) => m.type).sort()).toEqual([ESG_SNAPSHOT, VALUATION_REFRESH].sort());
  });

  it("passes over a message still queued after its day, and an asset whose space was deleted meanwhile", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    const day = Date.parse("2031-07-07T04:00:00Z");
    // Yesterday's message delivered today: that day is over; today's run records today's.
    expect(await runValuationRefresh(svcAt(day + 86_400_000), shoe.id, "2031-07-07")).toBe("skipped");
    expect((await valuations(shoe.id)).filter((v) => v.refresh_day)).toEqual([]);
    expect(await runValuationRefresh(svcAt(day), shoe.id, "2031-07-07")).toBe("recorded");
    // A space deleted after the cron listed its asset: nothing recorded into it.
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(day, space.id).run();
    expect(await runValuationRefresh(svcAt(day + 86_400_000), shoe.id, "2031-07-08")).toBe("skipped");
    expect((await valuations(shoe.id)).filter((v) => v.refresh_day).map((v) => v.refresh_day)).toEqual(["2031-07-07"]);
  });
});

describe("daily valuation refresh in a space west of UTC", () => {
  it("records at most one automatic valuation per day of the space's zone, a message delivered late included", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    expect((await a.patch(`/v1/spaces/${space.id}`, { timezone: "America/Bogota" })).status).toBe(200);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    const auto = async () =>
      (await env.DB.prepare("SELECT value, date, refresh_day FROM asset_valuations WHERE asset_id = ? AND refresh_day IS NOT NULL ORDER BY created_at").bind(shoe.id).all()).results;
    // The 04:00 UTC run of 2031-05-05 is 23:00 of 05-04 in Bogota; its message, delivered 90 minutes late, is 00:30 of 05-05 there.
    const run = Date.parse("2031-05-05T04:00:00Z");
    expect(await runValuationRefresh(svcAt(run + 90 * 60_000), shoe.id, "2031-05-05")).toBe("recorded");
    // The provider's price moves (the price it gave then was 310.00).
    await env.DB.prepare("UPDATE asset_valuations SET value = 31000 WHERE asset_id = ? AND refresh_day = '2031-05-05'").bind(shoe.id).run();
    // The next run, on time, is 23:00 of 05-05 there: that day has its automatic valuation already.
    expect(await runValuationRefresh(svcAt(run + 86_400_000 + 5 * 60_000), shoe.id, "2031-05-06")).toBe("skipped");
    expect(await auto()).toEqual([{ value: 31000, date: "2031-05-05", refresh_day: "2031-05-05" }]);
    // The one after is 05-06 there: recorded.
    expect(await runValuationRefresh(svcAt(run + 2 * 86_400_000 + 5 * 60_000), shoe.id, "2031-05-07")).toBe("recorded");
    expect((await auto()).map((v: any) => v.date)).toEqual(["2031-05-05", "2031-05-06"]);
  });
});

describe("daily valuation refresh racing a space's deletion", () => {
  it("records nothing into a space deleted while the provider answered", async () => {
    const u = await registerUser();
    const a = as(u);
    const space = await createSpace(u);
    const shoe = await createAsset(u, space.id, { name: "AJ1", type: "collectible", value: 300 });
    await a.post(`/v1/assets/${shoe.id}/collectible-link`, { externalId: "CW2288-111", provider: "sneaks", category: "sneaker" });
    const day = Date.parse("2031-08-08T04:00:00Z");
    // The space's owner deletes it after the refresh read the asset and before its valuation is written: the deletion
    // lands just ahead of the write, as a concurrent request's would.
    const racing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== "prepare") return Reflect.get(target, prop, target);
        return (sql: string) => {
          const stmt = target.prepare(sql);
          if (!sql.includes("INSERT OR IGNORE INTO asset_valuations")) return stmt;
          return {
            bind: (...args: unknown[]) => {
              const bound = stmt.bind(...args);
              return {
                run: async () => {
                  await target.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(day, space.id).run();
                  return bound.run();
                },
              };
            },
          };
        };
      },
    }) as D1Database;
    expect(await runValuationRefresh(svcAt(day, { DB: racing }), shoe.id, "2031-08-08")).toBe("skipped");
    expect((await valuations(shoe.id)).filter((v) => v.refresh_day)).toEqual([]);
  });
});

describe("abandoned upload cleanup", () => {
  it("removes expired pending uploads and any partial object, and nothing else", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const done = (await uploadUrl(u, asset.id)).body;
    await put(done.uploadUrl, bytesOf(50), "application/pdf");
    const abandoned = (await uploadUrl(u, asset.id)).body;
    const fresh = (await uploadUrl(u, asset.id)).body;
    // A partial object left where the abandoned upload would have gone.
    const key = `spaces/${space.id}/assets/${asset.id}/${abandoned.documentId}`;
    await env.DOCS.put(key, "partial");
    // Make the first pending one expire before the other.
    await env.DB.prepare("UPDATE asset_documents SET expires_at = ? WHERE id = ?").bind(Date.now() - 1000, abandoned.documentId).run();
    const result = await cleanupPendingUploads(svcAt(Date.now()));
    expect(result.removed).toBeGreaterThanOrEqual(1);
    expect(await docRow(abandoned.documentId)).toBeNull();
    expect(await env.DOCS.head(key)).toBeNull();
    expect((await docRow(fresh.documentId))!.status).toBe("pending");
    expect((await docRow(done.documentId))!.status).toBe("uploaded");
    expect(await env.DOCS.head(`spaces/${space.id}/assets/${asset.id}/${done.documentId}`)).not.toBeNull();
    // Its link no longer leads anywhere.
    expect((await put(abandoned.uploadUrl, bytesOf(5), "application/pdf")).status).toBe(404);
  });

  it("clears more than 100 abandoned uploads in one run (one JSON-bound list per statement, not 100+ parameters)", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const past = Date.now() - 60_000;
    const ids = Array.from({ length: 150 }, (_, i) => `doc_bulk${String(i).padStart(4, "0")}${space.id.slice(-8)}`);
    await env.DB.batch(ids.map((id) => env.DB.prepare(
      "INSERT INTO asset_documents (id, space_id, asset_id, filename, content_type, status, max_bytes, r2_key, upload_mode, expires_at, created_by, created_at) VALUES (?, ?, ?, 'x.pdf', 'application/pdf', 'pending', 10, ?, 'worker', ?, ?, ?)",
    ).bind(id, space.id, asset.id, `spaces/${space.id}/assets/${asset.id}/${id}`, past, u.id, past)));
    await Promise.all(ids.slice(0, 120).map((id) => env.DOCS.put(`spaces/${space.id}/assets/${asset.id}/${id}`, "partial")));
    await cleanupPendingUploads(svcAt(Date.now()));
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_documents WHERE asset_id = ?").bind(asset.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect((await env.DOCS.list({ prefix: `spaces/${space.id}/` })).objects).toHaveLength(0);
  });
});
