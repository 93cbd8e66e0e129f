/**
 * An attempt that ends after its webhook was deleted (an admin's DELETE committed while the request was out) leaves
 * no row in the attempt log: the delete took the log with it, and a row written after was kept for good, reachable
 * from nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, inbox, manualClock, outboxRow, servicesAt } from "./helpers";

describe("an attempt that ends after its webhook was deleted", () => {
  it("writes nothing into the attempt log", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    let deleted = false;
    // The admin's DELETE commits while the attempt is out: between the send and the batch that records it.
    const racing: D1Database = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            if (!deleted) {
              deleted = true;
              const res = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "DELETE" });
              expect(res.status).toBe(204);
            }
            return target.batch(stmts);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const svc = servicesAt(manualClock(), { DB: racing });
    const [id] = await fanOut(servicesAt(manualClock()), await outboxRow(spaceId, "transaction.created", { gone: true }));
    expect((await deliverAttempt(svc, id!, 0)).outcome).toBe("succeeded");
    expect(deleted).toBe(true);
    expect((await inbox(hook.inbox)).length).toBe(1);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_delivery_attempts WHERE delivery_id = ?").bind(id!).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
