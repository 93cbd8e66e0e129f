/**
 * A synced transaction's correcting entry (a tip) follows its transaction's category (recategorize.ts), but only from
 * the category it was in when the change was decided: a person filing the correction elsewhere by hand in the moment
 * between that read and the ledger's write keeps their choice (it used to be moved over it, to a category they did not
 * choose for it). The interleaving is made exact: the person's PATCH lands right after the read.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recategorize } from "../../src/modules/transactions/recategorize";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, directServices, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "../providers/helpers";

/** `db` running `after` once the statement whose SQL contains `marker` has been read. */
function afterRead(db: D1Database, marker: string, after: () => Promise<void>): D1Database {
  return new Proxy(db, {
    get(target, key) {
      if (key === "prepare") {
        return (sql: string) => {
          const st = target.prepare(sql);
          if (!sql.includes(marker)) return st;
          return { bind: (...args: unknown[]) => { const b = st.bind(...args); return { all: async () => { const r = await b.all(); await after(); return r; } }; } };
        };
      }
      const v = Reflect.get(target, key);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe("a correction filed elsewhere by hand while its transaction is recategorized", () => {
  it("keeps the person's category; the transaction takes its own", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(l.connection.id);
    let rows = await liveRows(spaceId);
    for (let i = 0; i < 6 && !rows.some((r) => r.pid?.includes("#c")); i++) {
      await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });
      await syncNow(l.connection.id);
      rows = await liveRows(spaceId);
    }
    const correction = rows.find((r) => r.pid?.includes("#c"))!;
    expect(correction).toBeDefined();
    const primary = rows.find((r) => r.pid === correction.pid!.split("#")[0] && r.account_id === correction.account_id)!;
    expect(correction.category_id).toBe(primary.category_id);
    const dining = (await callJson("/v1/categories", { ...as(owner), body: { spaceId, name: "Dining", type: "expense" } })).body.id as string;
    const tips = (await callJson("/v1/categories", { ...as(owner), body: { spaceId, name: "Tips", type: "expense" } })).body.id as string;

    const { svc } = directServices();
    const racing = { ...svc, env: { ...svc.env, DB: afterRead(env.DB, "AS primary_id", async () => {
      const r = await callJson(`/v1/transactions/${correction.id}`, { ...as(owner), method: "PATCH", body: { categoryId: tips } });
      expect(r.status).toBe(200);
    }) } };
    expect(await recategorize(racing, spaceId, [{ transactionId: primary.id, categoryId: dining, categorySource: "manual" }])).toEqual([primary.id]);

    const category = async (id: string) => (await env.DB.prepare("SELECT category_id FROM transactions WHERE id = ?").bind(id).first<{ category_id: string }>())!.category_id;
    expect(await category(primary.id)).toBe(dining);
    expect(await category(correction.id)).toBe(tips);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
