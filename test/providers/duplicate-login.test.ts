/**
 * A login connected twice in one space would count every account, trade and balance twice (a QA run saw a
 * Bitso key connected twice double the space's net worth). The second connect of a live login is a 409 and
 * creates nothing, at the provider included; two at once leave one; a disconnected login may be connected
 * again, and another space may connect the same login. Bitso keys that cannot travel in its header are a 422.
 * A Plaid item is told by its institution and its accounts' type, currency and last digits (a duplicate item has
 * new ids); the simulator's `public-sandbox-<login>.<n>` tokens are Link sessions of one login.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { callJson } from "../helpers";
import { as, ownerWithSpace, waitForJob } from "./helpers";

const exchange = (owner: Parameters<typeof as>[0], spaceId: string, publicToken: string) =>
  callJson("/v1/providers/plaid/exchange-token", { ...as(owner), body: { spaceId, publicToken, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } } } });
/** The simulator's items of a login, by status. */
const plaidItems = async (login: string) =>
  (await env.DB.prepare("SELECT status, COUNT(*) AS n FROM sandbox_plaid_items WHERE seed = ? GROUP BY status ORDER BY status").bind(await sha256Hex(login)).all<{ status: string; n: number }>()).results;

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const liveConnections = (spaceId: string) => count("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ? AND status != 'disconnected'", spaceId);
const accounts = (spaceId: string) => count("SELECT COUNT(*) AS n FROM accounts WHERE space_id = ?", spaceId);

describe("connecting a login twice", () => {
  it("Bitso: the same key again is a 409 that creates nothing; two at once leave one; after a disconnect, or in another space, it connects", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const apiKey = `key-${crypto.randomUUID()}`;
    const body = { spaceId, apiKey, apiSecret: "secret-1" };
    const first = await callJson("/v1/providers/bitso/connect", { ...as(owner), body });
    expect(first.status).toBe(201);
    await waitForJob(first.body.jobId);
    const accountsBefore = await accounts(spaceId);

    const again = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { ...body, apiSecret: "secret-2" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("DUPLICATE_RESOURCE");
    expect(again.body.error.message).toContain(first.body.connection.id);
    expect(JSON.stringify(again.body)).not.toContain(apiKey);
    expect(await liveConnections(spaceId)).toBe(1);
    expect(await accounts(spaceId)).toBe(accountsBefore);

    // Another key, twice at once: one connection.
    const other = { spaceId, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "s" };
    const both = await Promise.all([0, 1].map(() => callJson("/v1/providers/bitso/connect", { ...as(owner), body: other })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await liveConnections(spaceId)).toBe(2);
    await waitForJob(both.find((r) => r.status === 201)!.body.jobId);

    // Disconnected, the key may be connected again; another space may connect it too.
    expect((await callJson(`/v1/providers/connections/${first.body.connection.id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    const reconnected = await callJson("/v1/providers/bitso/connect", { ...as(owner), body });
    expect(reconnected.status).toBe(201);
    await waitForJob(reconnected.body.jobId);
    const elsewhere = await ownerWithSpace();
    const there = await callJson("/v1/providers/bitso/connect", { ...as(elsewhere.owner), body: { ...body, spaceId: elsewhere.spaceId } });
    expect(there.status).toBe(201);
    await waitForJob(there.body.jobId);
  });

  it("Belvo: the same institution and user again is a 409 before any link is registered at Belvo; another user connects", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const username = `user-${crypto.randomUUID().slice(0, 8)}`;
    const body = { spaceId, institution: "banamex", username, password: "pw" };
    const first = await callJson("/v1/providers/belvo/connect", { ...as(owner), body });
    expect(first.status).toBe(201);
    await waitForJob(first.body.jobId);
    const links = () => count("SELECT COUNT(*) AS n FROM sandbox_belvo_links WHERE username = ?", username);
    expect(await links()).toBe(1);

    const again = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { ...body, password: "another" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("DUPLICATE_RESOURCE");
    expect(JSON.stringify(again.body)).not.toContain(username);
    expect(await links()).toBe(1);
    expect(await liveConnections(spaceId)).toBe(1);

    const row = await env.DB.prepare("SELECT login_key FROM provider_connections WHERE id = ?").bind(first.body.connection.id).first<{ login_key: string }>();
    expect(row!.login_key).toMatch(/^[0-9a-f]{64}$/); // keyed: the column does not carry the user name

    // The same user name as a bank compares it: case, surrounding spaces and compatibility forms aside (review).
    // One request for all of them (connects are rate-limited): a full-width letter, upper case, spaces around.
    const variant = ` ${username.replace("u", "ｕ").toUpperCase()} `;
    const spelled = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { ...body, username: variant, institution: " BANAMEX" } });
    expect(spelled.status).toBe(409);
    expect(await links()).toBe(1);

    const otherUser = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { ...body, username: `${username}-2` } });
    expect(otherUser.status).toBe(201);
    await waitForJob(otherUser.body.jobId);
  });

  it("a live connection made before login keys were kept counts too: its key is derived from its sealed credentials and stored", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const bitso = { spaceId, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "s" };
    const belvo = { spaceId, institution: "banamex", username: `legacy-${crypto.randomUUID().slice(0, 8)}`, password: "pw" };
    const made = [await callJson("/v1/providers/bitso/connect", { ...as(owner), body: bitso }), await callJson("/v1/providers/belvo/connect", { ...as(owner), body: belvo })];
    for (const m of made) {
      expect(m.status).toBe(201);
      await waitForJob(m.body.jobId);
    }
    // As every row was before migration 0029.
    await env.DB.prepare("UPDATE provider_connections SET login_key = NULL WHERE space_id = ?").bind(spaceId).run();
    expect((await callJson("/v1/providers/bitso/connect", { ...as(owner), body: bitso })).status).toBe(409);
    expect((await callJson("/v1/providers/belvo/connect", { ...as(owner), body: belvo })).status).toBe(409);
    expect(await liveConnections(spaceId)).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ? AND login_key IS NULL", spaceId)).toBe(0);
    // A keyless connection whose credentials no longer open names no login: another key still connects (it was a 500).
    await env.DB.prepare("UPDATE provider_connections SET login_key = NULL, credentials_enc = ? WHERE space_id = ? AND provider = 'bitso'").bind("v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAA", spaceId).run();
    const another = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { ...bitso, apiKey: `key-${crypto.randomUUID()}` } });
    expect(another.status).toBe(201);
    await waitForJob(another.body.jobId);
  });

  it("Bitso keys and secrets that cannot travel in its Authorization header are a 422, and nothing is stored", async () => {
    const { owner, spaceId } = await ownerWithSpace();
    for (const [apiKey, apiSecret, field] of [
      ["ab\ncd", "s", "apiKey"], ["llave-ñ€", "s", "apiKey"], ["key:colon", "s", "apiKey"], ["key with space", "s", "apiKey"], ["key", "secret é", "apiSecret"],
    ] as const) {
      const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey, apiSecret } });
      expect(res.status, apiKey).toBe(422);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
    expect(await count("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ?", spaceId)).toBe(0);
  });

  it("Plaid: another Link session of a linked login is a 409, and its item is removed at Plaid; another login at the bank links", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const login = `public-sandbox-dup-${crypto.randomUUID()}`;
    const first = await exchange(owner, spaceId, `${login}.1`);
    expect(first.status).toBe(201);
    await waitForJob(first.body.jobId);
    const accountsBefore = await accounts(spaceId);

    const again = await exchange(owner, spaceId, `${login}.2`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("DUPLICATE_RESOURCE");
    expect(again.body.error.message).toContain(first.body.connection.id);
    expect(await liveConnections(spaceId)).toBe(1);
    expect(await accounts(spaceId)).toBe(accountsBefore);
    // The second item no longer bills at Plaid; the first is untouched.
    expect(await plaidItems(login)).toEqual([{ status: "ok", n: 1 }, { status: "removed", n: 1 }]);

    // Before login keys were kept for Plaid, and waiting for its login: still found (by its accounts), and the advice is update mode.
    await env.DB.prepare("UPDATE provider_connections SET login_key = NULL, status = 'reauth_required' WHERE id = ?").bind(first.body.connection.id).run();
    const repair = await exchange(owner, spaceId, `${login}.3`);
    expect(repair.status).toBe(409);
    expect(repair.body.error.message).toContain("update mode");

    // Another login at the same bank (other accounts) links.
    const other = await exchange(owner, spaceId, `public-sandbox-other-${crypto.randomUUID()}`);
    expect(other.status).toBe(201);
    await waitForJob(other.body.jobId);
    expect(await liveConnections(spaceId)).toBe(2);
  });

  it("Plaid: two sessions of one login at once leave one connection; after a disconnect the login links again", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const login = `public-sandbox-race-${crypto.randomUUID()}`;
    const both = await Promise.all([1, 2].map((n) => exchange(owner, spaceId, `${login}.${n}`)));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const made = both.find((r) => r.status === 201)!.body;
    await waitForJob(made.jobId);
    expect(await liveConnections(spaceId)).toBe(1);
    expect(await plaidItems(login)).toEqual([{ status: "ok", n: 1 }, { status: "removed", n: 1 }]);

    expect((await callJson(`/v1/providers/connections/${made.connection.id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
    const relinked = await exchange(owner, spaceId, `${login}.3`);
    expect(relinked.status).toBe(201);
    await waitForJob(relinked.body.jobId);
    expect(await liveConnections(spaceId)).toBe(1);
  });
});
