/**
 * A template is matched against the finished English text, so text a client wrote could make the wrong template read
 * a message, or cut a value at the template's own words: the translation then changed what the client (or another
 * member) wrote, which the English answer keeps exactly (a review found both). A reading must put no space in a
 * one-token value (an id, an address), and must be the only one: otherwise the template does not read the message.
 */
import { expect, it } from "vitest";
import { createSpace, registerUser, userApi } from "../helpers";

it("a category name in a detail is kept exactly in Spanish, whatever words it holds", async () => {
  const u = await registerUser({ locale: "es" });
  const a = userApi(u);
  const space = await createSpace(u);
  // A name another member could have given: it holds " holds " and ", not ", the fixed text of "{address} holds {asset}, not {other}".
  const name = "Jar holds coins, not notes";
  const jar = await a.post("/v1/categories", { spaceId: space.id, name, type: "income" });
  expect(jar.status).toBe(201);
  const fun = await a.post("/v1/categories", { spaceId: space.id, name: "Fun", type: "expense" });
  expect(fun.status).toBe(201);
  const r = await a.del(`/v1/categories/${fun.body.id}?reassignTo=${jar.body.id}`);
  expect(r.status).toBe(422);
  const detail = r.body.error.details[0];
  expect(detail.code).toBe("CATEGORY_TYPE_MISMATCH");
  // The name as it was written, never "Jar contiene coins, no notes".
  expect(detail.message).toContain(`"${name}"`);
});

it("a duplicate category's name and id are kept exactly in Spanish, even a name holding the template's own words", async () => {
  const u = await registerUser({ locale: "es" });
  const a = userApi(u);
  const space = await createSpace(u);
  const name = 'Rent" there (cat_decoy) or "Rent';
  const first = await a.post("/v1/categories", { spaceId: space.id, name, type: "expense" });
  expect(first.status).toBe(201);
  const again = await a.post("/v1/categories", { spaceId: space.id, name, type: "expense" });
  expect(again.status).toBe(409);
  // The type in words and "en ese mismo nivel" (was "ya tiene ahí la categoría de tipo expense"; L8 of the QA sweep).
  expect(again.body.error.message).toBe(`Este espacio ya tiene una categoría de gastos "${name}" en ese mismo nivel (${first.body.id}).`);
});

