import { env } from "cloudflare:workers";
import { callJson, type TestUser } from "../helpers";

export async function createAccount(user: TestUser, spaceId: string, body: Record<string, unknown> = {}) {
  const res = await callJson("/v1/accounts", {
    token: user.accessToken,
    ip: user.ip,
    body: { spaceId, name: "Checking", type: "checking", currency: "USD", ...body },
  });
  if (res.status !== 201) throw new Error(`create account failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Categories get their own API in a later module; tests seed rows directly. */
export async function seedCategory(spaceId: string, name: string, type: "income" | "expense" = "expense") {
  const id = `cat_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
  await env.DB.prepare("INSERT INTO categories (id, space_id, name, type, color, created_at, updated_at) VALUES (?, ?, ?, ?, '#FF6B35', ?, ?)")
    .bind(id, spaceId, name, type, Date.now(), Date.now())
    .run();
  return id;
}
