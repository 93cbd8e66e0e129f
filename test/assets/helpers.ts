import type { Services } from "../../src/env";
import { enqueueValuationRefreshes, type RefreshOutcome, runValuationRefresh, VALUATION_REFRESH } from "../../src/modules/assets/refresh";
import { callJson, registerUser, type TestUser } from "../helpers";

export const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body?: unknown) => callJson(path, { method: "POST", token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

export const SAMPLE_ADDRESS = { address: "123 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" };

/** A new owner's house at SAMPLE_ADDRESS (valued 850,000.00 USD a month ago) in a UTC space of their own. */
export async function houseInNewSpace() {
  const owner = await registerUser();
  const a = as(owner);
  const space = await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" });
  if (space.status !== 201) throw new Error(`create space failed: ${space.status} ${JSON.stringify(space.body)}`);
  const spaceId = space.body.id as string;
  const valuationDate = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const id = (await createAsset(owner, spaceId, { name: "House", valuationDate, address: SAMPLE_ADDRESS })).id;
  return { owner, a, spaceId, id };
}

export async function createAsset(u: TestUser, spaceId: string, body: Record<string, unknown> = {}) {
  const r = await as(u).post("/v1/assets", { spaceId, name: "Family Home", type: "real_estate", currency: "USD", value: "850000.00", ...body });
  if (r.status !== 201) throw new Error(`create asset failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; currentValueDecimal: string };
}

/**
 * The daily valuation refresh at `svc`'s clock: the cron's messages, caught instead of queued, each run by the
 * queue's handler in the order sent. (The queue's own delivery is covered by the scheduled-handler test in cron.test.ts.)
 */
export async function refreshLinkedValuations(svc: Services): Promise<Record<RefreshOutcome, number>> {
  const sent: Array<{ type: string; assetId: string; day: string }> = [];
  const catching = { sendBatch: async (batch: Array<{ body: (typeof sent)[number] }>) => void sent.push(...batch.map((m) => m.body)) } as unknown as Queue;
  await enqueueValuationRefreshes({ ...svc, env: { ...svc.env, BACKGROUND_QUEUE: catching } });
  const tally: Record<RefreshOutcome, number> = { recorded: 0, skipped: 0, failed: 0 };
  for (const m of sent) {
    if (m.type !== VALUATION_REFRESH) throw new Error(`unexpected message ${m.type}`);
    tally[await runValuationRefresh(svc, m.assetId, m.day)]++;
  }
  return tally;
}
