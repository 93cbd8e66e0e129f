/**
 * An admin's PATCH of a subscription while a delivery attempt writes its failure run: the PATCH writes only what it
 * changes. A whole-row write put back the row it had read, so an edit of the description racing the 50th failure
 * switched the disabled subscription on again, with its failure count back at what it was.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { updateWebhook } from "../../src/modules/webhooks/service";
import { callJson } from "../helpers";
import { latestSessionId } from "../transactions/guard-helpers";
import { adminSpace, as, createWebhook, manualClock, servicesAt } from "./helpers";

describe("PATCH /v1/webhooks/{id} while a delivery disables it", () => {
  it("keeps the automatic disable and the failure count the delivery wrote after the PATCH read the row", async () => {
    const { owner, spaceId } = await adminSpace();
    const hook = await createWebhook(owner, spaceId);
    const disabledAt = Date.now();
    let reads = 0;
    // The delivery worker's 50th failure lands between the PATCH's read and its write.
    const racing: D1Database = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            const out = await target.batch(stmts);
            if (reads++ === 0) {
              await target.prepare("UPDATE webhook_subscriptions SET consecutive_failures = 50, enabled = 0, disabled_reason = 'failures', disabled_at = ? WHERE id = ?")
                .bind(disabledAt, hook.id).run();
            }
            return out;
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const svc = servicesAt(manualClock(), { DB: racing });
    const auth = { userId: owner.id, sessionId: await latestSessionId(owner.id), email: owner.email, twoFactorEnabled: false, stepUpAt: null };
    const answered = await updateWebhook(svc, auth, hook.id, { description: "payments hook" });
    expect(reads).toBeGreaterThan(0);
    const stored = (await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body;
    expect(stored).toMatchObject({ description: "payments hook", enabled: false, disabledReason: "failures", consecutiveFailures: 50 });
    // The answer is the row as stored, not the one read before.
    expect(answered).toEqual(stored);
  });
});
