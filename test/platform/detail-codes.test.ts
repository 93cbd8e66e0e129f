/**
 * Every refused field carries a code a client can act on: the API's refinements answered zod's CUSTOM for a
 * query integer of 0x10, a time zone of +05:30, a new password of only spaces, 65 metadata keys, a posting to
 * itself, a bad address pattern, a gaming period past a year and escalation days out of order. Each now has
 * the code the API uses for its kind, and a refinement that names none is INVALID_VALUE, never CUSTOM.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

const refused = async (u: TestUser, path: string, init: { method?: string; body?: unknown } = {}) => {
  const r = await callJson(path, { token: u.accessToken, ip: u.ip, ...init });
  expect(r.status, path).toBe(422);
  return r.body.error.details as { field: string; message: string; code: string }[];
};

describe("detail codes of the API's own rules", () => {
  it("name what is wrong, never CUSTOM", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    expect(await refused(u, `/v1/transactions?spaceId=${space.id}&limit=0x10`)).toEqual([
      { field: "limit", message: "Must be an integer written in decimal digits", code: "INVALID_FORMAT" },
    ]);
    const zone = [{ field: "timezone", message: "Must be an IANA time zone such as America/Mexico_City", code: "INVALID_VALUE" }];
    expect(await refused(u, "/v1/spaces", { body: { name: "Z", type: "personal", currency: "USD", timezone: "+05:30" } })).toEqual(zone);
    expect(await refused(u, `/v1/spaces/${space.id}`, { method: "PATCH", body: { timezone: "+05:30" } })).toEqual(zone);
    // A password rule refines without naming a code (auth/schemas.ts): INVALID_VALUE, not CUSTOM.
    expect(await refused(u, "/v1/auth/password", { body: { currentPassword: u.password, newPassword: "          " } })).toEqual([
      { field: "newPassword", message: "Must not be only spaces", code: "INVALID_VALUE" },
    ]);
    const ledger = `/v1/spaces/${space.id}/ledger/transactions`;
    const posting = { source: "world", destination: "users:a", amount: 1, asset: "USD/2" };
    const metadata = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(await refused(u, ledger, { body: { postings: [posting], metadata } })).toEqual([{ field: "metadata", message: "At most 64 metadata keys", code: "TOO_BIG" }]);
    expect(await refused(u, ledger, { body: { postings: [{ ...posting, source: "users:a" }] } })).toEqual([
      { field: "postings.0.destination", message: "Source and destination must differ", code: "SAME_ACCOUNT" },
    ]);
    expect(await refused(u, `${ledger}?account=users::a`)).toEqual([{ field: "account", message: "Segments must not be empty", code: "INVALID_PATTERN" }]);
    expect(await refused(u, `/v1/gaming/earnings?spaceId=${space.id}&period=400d`)).toEqual([{ field: "period", message: "At most 365d", code: "TOO_BIG" }]);
    expect(await refused(u, `/v1/gaming/earnings?spaceId=${space.id}&period=month`)).toEqual([
      { field: "period", message: "Must be a number of days such as 7d, 30d or 90d, or 1y", code: "INVALID_REGEX" },
    ]);
    expect(await refused(u, "/v1/life-beat", { method: "PUT", body: { householdId: "hh_x", escalationDays: [60, 30] } })).toEqual([
      { field: "escalationDays", message: "Escalation days must be strictly increasing", code: "INVALID_VALUE" },
    ]);
  });

  it("in Spanish and Portuguese", async () => {
    const es = await registerUser({ locale: "es" });
    const esSpace = await createSpace(es);
    expect(await refused(es, `/v1/transactions?spaceId=${esSpace.id}&offset=1e1`)).toEqual([
      { field: "offset", message: "Debe ser un número entero escrito con dígitos decimales.", code: "INVALID_FORMAT" },
    ]);
    expect(await refused(es, "/v1/auth/password", { body: { currentPassword: es.password, newPassword: "          " } })).toEqual([
      { field: "newPassword", message: "No puede contener solo espacios.", code: "INVALID_VALUE" },
    ]);
    const pt = await registerUser({ locale: "pt-BR" });
    const ptSpace = await createSpace(pt);
    const metadata = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(await refused(pt, `/v1/spaces/${ptSpace.id}/ledger/transactions`, { body: { postings: [{ source: "users:a", destination: "users:a", amount: 1, asset: "USD/2" }], metadata } })).toEqual([
      { field: "postings.0.destination", message: "A origem e o destino devem ser diferentes.", code: "SAME_ACCOUNT" },
      { field: "metadata", message: "No máximo 64 chaves de metadados.", code: "TOO_BIG" },
    ]);
    expect(await refused(pt, "/v1/spaces", { body: { name: "Z", type: "personal", currency: "BRL", timezone: "-03:00" } })).toEqual([
      { field: "timezone", message: "Deve ser um fuso horário IANA, como America/Sao_Paulo.", code: "INVALID_VALUE" },
    ]);
  });
});
