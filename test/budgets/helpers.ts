/** What the budget tests share: a user's calls, and a space with its default categories found by name. */
import { callJson, registerUser, type TestUser } from "../helpers";

export const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

/** A new user's space in `currency` (UTC), and `cat(name)`: the id of its default category of that name. */
export async function spaceWithCategories(currency = "USD") {
  const u = await registerUser();
  const a = as(u);
  const spaceId = (await a.post("/v1/spaces", { name: "Home", type: "personal", currency, timezone: "UTC" })).body.id as string;
  const cats = (await a.get(`/v1/categories?spaceId=${spaceId}`)).body as { id: string; name: string }[];
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;
  return { u, a, spaceId, cat };
}
