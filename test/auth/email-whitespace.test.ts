/**
 * An address pasted with a space around it or typed in another case is the same address (src/lib/email-schema.ts):
 * registering, signing in, adding a space member and inviting a household member all take it, trimmed and lower-cased.
 * They were 422 INVALID_EMAIL: the schemas trimmed only after checking the format (QA sweep 7).
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, nextIp, registerUser } from "../helpers";

describe("an email address with spaces around it, in another case", () => {
  it("is the same address everywhere a request takes one", async () => {
    const local = `ana-${crypto.randomUUID().slice(0, 8)}`;
    const ip = nextIp();
    const reg = await callJson("/v1/auth/register", { ip, body: { name: "Ana", email: `  ${local}@Example.COM `, password: "correct horse battery", locale: "en" } });
    expect(reg.status).toBe(201);
    expect(reg.body.user.email).toBe(`${local}@example.com`);
    const login = await callJson("/v1/auth/login", { ip, body: { email: `${local.toUpperCase()}@example.com\t`, password: "correct horse battery" } });
    expect(login.status).toBe(200);

    const owner = await registerUser();
    const space = await createSpace(owner);
    const added = await callJson(`/v1/spaces/${space.id}/members`, { token: owner.accessToken, ip: owner.ip, body: { email: ` ${local}@EXAMPLE.com `, role: "viewer" } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const listed = await callJson(`/v1/spaces/${space.id}/members`, { token: owner.accessToken, ip: owner.ip });
    expect(JSON.stringify(listed.body)).toContain(`"${local}@example.com"`);

    const hh = await callJson("/v1/households", { token: owner.accessToken, ip: owner.ip, body: { name: "Home" } });
    expect(hh.status).toBe(201);
    const inv = await callJson(`/v1/households/${hh.body.id}/members`, { token: owner.accessToken, ip: owner.ip, body: { email: `${local}@Example.com `, relationship: "friend", role: "member" } });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    expect(inv.body.email).toBe(`${local}@example.com`);
    // Still a 422 for what is no address at all.
    const bad = await callJson(`/v1/households/${hh.body.id}/members`, { token: owner.accessToken, ip: owner.ip, body: { email: "not an address ", relationship: "friend", role: "member" } });
    expect(bad.status).toBe(422);
  });
});
