/**
 * A provider's "no" to what the client sent is a 422 PROVIDER_ERROR carrying the provider's own code, never the
 * provider's 400 passed through (the API's 400 means a body it could not read) and never a 5xx; nothing is stored.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { as, ownerWithSpace } from "./helpers";

const connections = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;

describe("a provider refusing what the client sent", () => {
  it("is a 422 with the provider's code: a Plaid public token Plaid does not know, Belvo credentials or an institution it refuses", async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const cases = [
      { path: "/v1/providers/plaid/exchange-token", body: { spaceId, publicToken: "bogus" }, detail: { field: "plaid", code: "INVALID_PUBLIC_TOKEN" } },
      { path: "/v1/providers/belvo/connect", body: { spaceId, institution: "banamex", username: "ana", password: "invalid" }, detail: { field: "belvo", code: "login_error" } },
      { path: "/v1/providers/belvo/connect", body: { spaceId, institution: "no_such_bank", username: "ana", password: "pw" }, detail: { field: "belvo" } },
    ];
    for (const c of cases) {
      const res = await callJson(c.path, { ...as(owner), body: c.body });
      expect([res.status, res.body.error.code], c.path).toEqual([422, "PROVIDER_ERROR"]);
      expect(res.body.error.details[0]).toMatchObject(c.detail);
    }
    expect(await connections(spaceId)).toBe(0);
  });
});
