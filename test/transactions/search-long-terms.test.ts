/**
 * A search term is looked for by `instr`, not LIKE: D1 refuses a LIKE pattern over 50 bytes ("LIKE or GLOB pattern
 * too complex"), so any term past 48 ASCII letters (fewer with accents, which take two bytes or more) was a 500.
 * The schema lets a term be 100 characters, and a pasted bank description is often longer than 48.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

async function world() {
  const u = await registerUser();
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: 1000 });
  const api = userApi(u);
  const write = async (description: string, merchantName?: string) => {
    const r = await api.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: -1, description, merchantName, date: "2026-01-05" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const found = async (term: string) => {
    const r = await api.get(`/v1/transactions?spaceId=${space.id}&search=${encodeURIComponent(term)}&limit=100`);
    expect(r.status, `${term}: ${JSON.stringify(r.body)}`).toBe(200);
    const page = r.body as { transactions: { description: string }[]; pagination: { total: number } };
    expect(page.pagination.total, term).toBe(page.transactions.length);
    return page.transactions.map((t) => t.description).sort();
  };
  return { spaceId: space.id, acc, write, found };
}

describe("long search terms", () => {
  const long = "Transferencia SPEI a cuenta de ahorro Banorte 0123456789 referencia 998877"; // 74 characters

  it("finds a term of up to 100 characters, however many bytes it takes", async () => {
    const { write, found } = await world();
    await write(long);
    await write("Pago en Panadería Núñez de São Paulo, sucursal Avenida Paulista número 1500", "Panadería Ñandú");
    await write("x".repeat(100));
    expect(await found(long)).toEqual([long]);
    expect(await found(long.toUpperCase())).toEqual([long]);
    expect(await found(long.slice(0, 49))).toEqual([long]);
    // Accented letters take two bytes each as typed: 60 characters, well past 50 bytes.
    expect(await found("PANADERÍA NÚÑEZ DE SÃO PAULO, SUCURSAL AVENIDA PAULISTA NÚM")).toEqual(["Pago en Panadería Núñez de São Paulo, sucursal Avenida Paulista número 1500"]);
    expect(await found("x".repeat(100))).toEqual(["x".repeat(100)]);
    expect(await found(`${"x".repeat(99)}%`)).toEqual([]);
    // 100 characters that fold to 1,800 (each ﷺ is 18 letters once decomposed): found nothing, no error.
    expect(await found("\uFDFA".repeat(100))).toEqual([]);
    // LIKE's characters and the escape are letters like any other.
    await write("50% off_store C:\\path");
    expect(await found("50% off_store c:\\path")).toEqual(["50% off_store C:\\path"]);
    expect(await found("_")).toEqual(["50% off_store C:\\path"]);
    expect(await found("\\")).toEqual(["50% off_store C:\\path"]);
    expect(await found("\\p")).toEqual(["50% off_store C:\\path"]);
  });

  it("finds a long term in a row the backfill has not folded yet, ASCII case folded as before", async () => {
    const { spaceId, acc, found } = await world();
    await env.DB.prepare(
      `INSERT INTO transactions (id, space_id, account_id, ledger_seq, amount, currency, description, merchant_name, date, type, status, tags, created_at, updated_at)
       VALUES (?1, ?2, ?3, 0, -100, 'USD', ?4, ?5, 1767225600000, 'expense', 'posted', '[]', 0, 0)`,
    ).bind(`txn_old_${crypto.randomUUID().slice(0, 8)}`, spaceId, acc.id, long, "Comercializadora Internacional del Norte SA de CV").run();
    expect(await found(long.toLowerCase())).toEqual([long]);
    expect(await found("COMERCIALIZADORA INTERNACIONAL DEL NORTE SA DE CV")).toEqual([long]);
    expect(await found(`${long}!`)).toEqual([]);
  });

  it("finds nothing for a term of control characters, never every row", async () => {
    const { write, found } = await world();
    await write("Renta");
    await write("Agua", "Comercializadora");
    // A NUL cut LIKE's pattern short: "\0" searched as "%" and listed every row.
    expect(await found("\u0000")).toEqual([]);
    expect(await found("a\u0000")).toEqual([]);
    expect(await found("\u0001")).toEqual([]);
    expect(await found("renta")).toEqual(["Renta"]);
  });
});
