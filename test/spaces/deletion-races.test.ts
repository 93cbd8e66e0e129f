/**
 * Creating things in a space while it is deleted (QA's sweep of concurrent admin actions). The deletion's batch lands
 * between a create's checks and its write: the member's add answered 500 (its insert landed, the deletion removed it,
 * the read-back found nothing) and left a member in the deleted space; budgets, categories, assets, webhooks and
 * accounts were 201 and stayed in it, created after `deleted_at`. A write that loses the race to the deletion is now
 * the space's 404, as any request after the deletion is, and stores nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerUser, type TestUser } from "../helpers";
import { racingApp } from "../racing-app";
import { spaceToDelete } from "./race-fixtures";
import { receiverUrl, newInbox } from "../webhooks/helpers";

const rowsIn = async (table: string, spaceId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE space_id = ?`).bind(spaceId).first<{ n: number }>())!.n;

type Case = {
  name: string;
  /** The write's SQL (or, for the ledger's, its operation) the deletion lands just before. */
  when: RegExp | null;
  ledger?: (op: any) => boolean;
  table: string;
  /** The rows of `table` the space holds before the create (its system categories, the owner's membership). */
  request: (spaceId: string, owner: TestUser) => Promise<{ path: string; body: Record<string, unknown> }>;
};

const cases: Case[] = [
  {
    name: "a member", when: /^insert into "?space_members"? /i, table: "space_members",
    request: async (spaceId) => ({ path: `/v1/spaces/${spaceId}/members`, body: { email: (await registerUser()).email, role: "member" } }),
  },
  {
    name: "a budget", when: /^INSERT INTO budgets/i, table: "budgets",
    request: async (spaceId) => ({ path: "/v1/budgets", body: { spaceId, name: "Food", amount: "100.00", period: "monthly" } }),
  },
  {
    name: "a category", when: /^INSERT INTO categories/i, table: "categories",
    request: async (spaceId) => ({ path: "/v1/categories", body: { spaceId, name: "Hobbies", type: "expense" } }),
  },
  {
    name: "an asset", when: /^insert into "?manual_assets"? /i, table: "manual_assets",
    request: async (spaceId) => ({ path: "/v1/assets", body: { spaceId, name: "Boat", type: "vehicle", currency: "USD", value: "1000.00" } }),
  },
  {
    name: "a webhook", when: /^INSERT INTO webhook_subscriptions/i, table: "webhook_subscriptions",
    request: async (spaceId) => ({ path: "/v1/webhooks", body: { spaceId, url: receiverUrl(newInbox()), events: ["transaction.created"] } }),
  },
  {
    name: "an account", when: null, ledger: (op) => op.kind === "commit" && op.effects?.some((e: any) => e.kind === "insertAccount"), table: "accounts",
    request: async (spaceId) => ({ path: "/v1/accounts", body: { spaceId, name: "Checking", type: "checking", currency: "USD", openingBalance: "10.00" } }),
  },
];

describe("a create that the space's deletion overtakes", () => {
  for (const c of cases) {
    it(`stores no ${c.name.replace(/^an? /, "")} in the deleted space and answers the space's 404`, { timeout: 60_000 }, async () => {
      const { owner, spaceId, deleteIt } = await spaceToDelete();
      const { path, body } = await c.request(spaceId, owner);
      const before = await rowsIn(c.table, spaceId);
      const racing = racingApp(c.when, deleteIt, c.ledger ? { ledger: c.ledger } : {});
      const res = await racing.post(owner, path, body);
      expect(racing.fired()).toBe(true);
      expect({ status: res.status, code: res.body?.error?.code, message: res.body?.error?.message })
        .toEqual({ status: 404, code: "RESOURCE_NOT_FOUND", message: "Space not found" });
      // Nothing of it landed: the deletion removed the members, and nothing else was there to add.
      expect(await rowsIn(c.table, spaceId)).toBe(c.table === "space_members" ? 0 : before);
    });
  }
});

describe("a transaction that the space's deletion overtakes", () => {
  it("lands nothing in the deleted space and answers the space's 404 (a writer's first write, not yet remembered)", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const account = await callJsonAs(owner, "/v1/accounts", { spaceId, name: "Checking", type: "checking", currency: "USD" });
    const racing = racingApp(null, deleteIt, { ledger: (op) => op.kind === "commit" && op.effects?.some((e: any) => e.kind === "insertTransaction") });
    const res = await racing.post(owner, "/v1/transactions", { spaceId, accountId: account.id, amount: "5.00", date: new Date().toISOString(), description: "refund" });
    expect(racing.fired()).toBe(true);
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({ status: 404, message: "Space not found" });
    expect(await rowsIn("transactions", spaceId)).toBe(0);
  });
});

async function callJsonAs(u: TestUser, path: string, body: unknown) {
  const res = await callJson(path, { token: u.accessToken, ip: u.ip, body });
  expect(res.status).toBe(201);
  return res.body;
}

describe("a household that the space's deletion overtakes", () => {
  it("shares no deleted space: the household is not created and the answer is the space's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const racing = racingApp(/^INSERT INTO households/i, deleteIt);
    const res = await racing.post(owner, "/v1/households", { name: "Familia", spaceIds: [spaceId] });
    expect(racing.fired()).toBe(true);
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({ status: 404, message: "Space not found" });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM household_spaces WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n).toBe(0);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM households WHERE owner_id = ?").bind(owner.id).first<{ n: number }>())!.n).toBe(0);
  });
});

describe("a bank connection that the space's deletion overtakes", () => {
  it("is not stored: no connection, credentials or accounts in the deleted space, the item removed at Plaid, and the space's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const racing = racingApp(/INSERT INTO provider_connections/i, deleteIt);
    const publicToken = `public-sandbox-${crypto.randomUUID()}`;
    const res = await racing.post(owner, "/v1/providers/plaid/exchange-token", {
      spaceId, publicToken, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } },
    });
    expect(racing.fired()).toBe(true);
    expect({ status: res.status, message: res.body?.error?.message }).toEqual({ status: 404, message: "Space not found" });
    // Before, a 201 left an active connection with sealed credentials and its accounts in the deleted space, which the
    // deletion had not seen and so never retired (the item billed at Plaid for good).
    expect(await rowsIn("provider_connections", spaceId)).toBe(0);
    expect(await rowsIn("accounts", spaceId)).toBe(0);
    // The simulator's item of this public token (its seed is the token's SHA-256) was removed at once.
    const seed = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(publicToken)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const items = await env.DB.prepare("SELECT status FROM sandbox_plaid_items WHERE seed = ?").bind(seed).all<{ status: string }>();
    expect(items.results).toEqual([{ status: "removed" }]);
  });
});
