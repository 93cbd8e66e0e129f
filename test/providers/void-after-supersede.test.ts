/**
 * A pending row the person voids just after a sync has made it the bank's posting (supersede) and before the sync
 * reconciles its amount: no correcting entry (a tip) is posted over the void; the ledger has the row reversed, and the
 * tip alone would count a part of a transaction the person voided. The interleaving is made exact: the void lands as
 * soon as the posting's supersede has.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, directServices, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

describe("a void landing between a posting's supersede and its reconcile", () => {
  it("stands, and no correction is posted over it", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(l.connection.id);
    const voided: string[] = [];
    const superseding = new WeakMap<object, unknown[]>();
    const db = new Proxy(env.DB, {
      get(target, key) {
        if (key === "prepare") {
          return (sql: string) => {
            const st = target.prepare(sql);
            if (!sql.includes("RETURNING id, status")) return st;
            return new Proxy(st, {
              get(s, k) {
                if (k === "bind") return (...args: unknown[]) => { const b = s.bind(...args); superseding.set(b, args); return b; };
                const v = Reflect.get(s, k);
                return typeof v === "function" ? v.bind(s) : v;
              },
            });
          };
        }
        if (key === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            const out = await target.batch(stmts);
            for (const st of stmts) {
              const args = superseding.get(st);
              if (!args || args[1] !== 1) continue;
              const id = args[3] as string;
              const r = await callJson(`/v1/transactions/${id}`, { ...as(owner), method: "DELETE" });
              expect(r.status).toBe(200);
              voided.push(id);
            }
            return out;
          };
        }
        const v = Reflect.get(target, key);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const { svc } = directServices();
    const racing = { ...svc, env: { ...svc.env, DB: db } };
    for (let i = 0; i < 4 && voided.length < 3; i++) {
      await plaidControl("transactions/advance", { access_token: accessToken, generations: 1 });
      await syncNow(l.connection.id, racing);
    }
    expect(voided.length).toBeGreaterThan(0);
    const pidOf = async (id: string) => (await env.DB.prepare("SELECT provider_transaction_id AS pid, status FROM transactions WHERE id = ?").bind(id).first<{ pid: string; status: string }>())!;
    const live = await liveRows(spaceId);
    for (const id of voided) {
      const row = await pidOf(id);
      expect(row.status).toBe("cancelled");
      expect(live.filter((r) => r.pid?.startsWith(`${row.pid}#`)).map((r) => r.pid)).toEqual([]);
    }
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
