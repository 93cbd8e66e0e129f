import { callJson, type TestUser } from "../helpers";

export const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body?: unknown) => callJson(path, { method: "POST", token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

export const SAMPLE_ADDRESS = { address: "123 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" };

export async function createAsset(u: TestUser, spaceId: string, body: Record<string, unknown> = {}) {
  const r = await as(u).post("/v1/assets", { spaceId, name: "Family Home", type: "real_estate", currency: "USD", value: "850000.00", ...body });
  if (r.status !== 201) throw new Error(`create asset failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; currentValueDecimal: string };
}
