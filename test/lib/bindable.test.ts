/**
 * D1 binds at most 100 parameters a statement. A statement built from a list is checked before it reaches D1,
 * with the count in the error, on the raw path and on drizzle queries put into raw batches (d1Statement).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1Statement } from "../../src/db/client";
import { assertBindable, D1_MAX_PARAMS } from "../../src/lib/sql";

const query = (n: number) => ({ toSQL: () => ({ sql: `SELECT ${Array.from({ length: n }, () => "?").join(" + ")} AS total`, params: Array.from({ length: n }, () => 1) }) });

describe("D1's parameter cap", () => {
  it("takes 100 parameters and refuses 101, naming the count", async () => {
    expect(() => assertBindable(Array(D1_MAX_PARAMS).fill(0))).not.toThrow();
    expect(() => assertBindable(Array(D1_MAX_PARAMS + 1).fill(0))).toThrow(/101 parameters/);
    // At the cap the statement runs on D1; past it, it never gets there.
    expect(await d1Statement(env.DB, query(100)).first<{ total: number }>()).toEqual({ total: 100 });
    expect(() => d1Statement(env.DB, query(101))).toThrow(/101 parameters/);
  });
});
