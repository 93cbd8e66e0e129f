/**
 * Category names: a name must show something, and two names a reader cannot tell apart (case, accents,
 * spacing, full-width forms, format characters) are the same name.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

const api = (u: TestUser) => ({
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
});

async function setup() {
  const u = await registerUser();
  return { a: api(u), spaceId: (await createSpace(u)).id as string };
}

describe("category names", () => {
  it("must contain a visible character, on create and rename", async () => {
    const { a, spaceId } = await setup();
    for (const name of ["\u200b", "\u200b\u200d\u2060", " \u3164 ", "\u0301", "\u202e\u200f"]) {
      const r = await a.post("/v1/categories", { spaceId, name, type: "expense" });
      expect(r.status, JSON.stringify(name)).toBe(422);
      expect(r.body.error.details).toEqual([expect.objectContaining({ field: "name", code: "INVALID_VALUE", message: "Must contain a visible character" })]);
    }
    const ok = await a.post("/v1/categories", { spaceId, name: "Pets", type: "expense" });
    expect(ok.status).toBe(201);
    const renamed = await a.patch(`/v1/categories/${ok.body.id}`, { name: "\u200b" });
    expect(renamed.status).toBe(422);
    expect(renamed.body.error.details[0]).toMatchObject({ field: "name", code: "INVALID_VALUE" });
  });

  it("are compared under NFKC and without format characters", async () => {
    const { a, spaceId } = await setup();
    expect((await a.post("/v1/categories", { spaceId, name: "Pets", type: "expense" })).status).toBe(201);
    for (const name of ["Ｐｅｔｓ", "Pe\u200bts", "PÉTS"]) {
      const r = await a.post("/v1/categories", { spaceId, name, type: "expense" });
      expect(r.status, name).toBe(409);
      expect(r.body.error.code).toBe("DUPLICATE_RESOURCE");
    }
  });

  it("say 'an income category' when a parent's type differs", async () => {
    const { a, spaceId } = await setup();
    const parent = await a.post("/v1/categories", { spaceId, name: "Side gigs", type: "income" });
    const r = await a.post("/v1/categories", { spaceId, name: "Tools", type: "expense", parentId: parent.body.id });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: "parentId", message: "Parent is an income category" })]);
  });
});
