/**
 * When a subscription disables itself after its run of failed attempts (QA 12-D: nobody was told), its creator gets
 * one email, in their language, through the notification outbox and email channel Life Beat uses: once per disable,
 * however many failing attempts race to it, and with neither the signing secret nor the URL's path or query string.
 * The disable cancels what was pending at once, so a re-enable resumes new events only, whenever it comes (before,
 * a delivery whose next retry came after the re-enable was sent, one whose retry came before was cancelled); events
 * created while it was disabled are not sent either, even when their fan-out runs after the re-enable.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { deliverDue } from "../../src/modules/lifebeat/outbox";
import { dhanamSender } from "../../src/modules/lifebeat/channels";
import { dayAt } from "../../src/modules/lifebeat/messages";
import { callJson, createSpace, registerUser } from "../helpers";
import { DISABLE_MIN_RUN_MS } from "../../src/modules/webhooks/events";
import { as, createWebhook, deliveryRow, failNext, inbox, manualClock, outboxRow, receiverUrl, servicesAt, subscriptionRow } from "./helpers";

const LIMIT = "3";

const emailsTo = async (to: string) =>
  (await env.DB.prepare("SELECT subject, body, sender FROM sandbox_messages WHERE channel = 'email' AND lower(recipient) = lower(?) ORDER BY received_at, id").bind(to).all<{ subject: string; body: string; sender: string }>())
    .results;

const noticesOf = async (webhookId: string) =>
  (await env.DB.prepare("SELECT * FROM life_beat_notifications WHERE kind = 'webhook_disabled' AND dedupe_key LIKE ? ORDER BY created_at").bind(`webhook_disabled:${webhookId}:%`).all<Record<string, any>>())
    .results;

async function failingHook(locale: string) {
  const owner = await registerUser({ locale });
  const space = await createSpace(owner, { name: "Casa \"Prueba\" https://evil.example" });
  const hook = await createWebhook(owner, space.id);
  // A URL with a token in its query string (allowed by url-policy.ts): the email names the host only.
  const withToken = `${receiverUrl(hook.inbox)}?token=tok_SECRETQUERY`;
  const patched = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { url: withToken } });
  expect(patched.status).toBe(200);
  await failNext(hook.inbox, 10_000, 500);
  return { owner, spaceId: space.id, hook };
}

describe("a subscription that disables itself", () => {
  it("emails its creator once, in their language, when concurrent failing attempts disable it; what was pending is cancelled", { timeout: 60_000 }, async () => {
    const { owner, spaceId, hook } = await failingHook("es");
    const clock = manualClock();
    const svc = servicesAt(clock, { WEBHOOK_DISABLE_AFTER_FAILURES: LIMIT });
    // A failure a day ago starts the run (a run disables only once it has lasted a day: failure-run.test.ts).
    const [early] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { early: true }));
    expect((await deliverAttempt(svc, early!, 0)).outcome).toBe("retrying");
    clock.advance(DISABLE_MIN_RUN_MS);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { i }))));
    expect(ids).toHaveLength(6);

    // Six first attempts at once, all failing: the third failure disables it, and only one batch finds it enabled at the limit.
    const outcomes = await Promise.all(ids.map((id) => deliverAttempt(svc, id, 0)));
    expect(outcomes.every((o) => o.outcome === "retrying")).toBe(true);
    const sub = (await callJson(`/v1/webhooks/${hook.id}`, as(owner))).body;
    expect(sub).toMatchObject({ enabled: false, disabledReason: "failures", consecutiveFailures: 7 });
    ids.push(early!);

    const notices = await noticesOf(hook.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ household_id: null, channel: "email", recipient: owner.email, locale: "es", status: "sent" });
    const mail = await emailsTo(owner.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe("Dhanam: se desactivó tu webhook a sandbox[.]dhanam[.]invalid");
    expect(mail[0]!.body).toContain(`Tu webhook ${hook.id} del espacio "Casa 'Prueba' https[:]//evil[.]example"`);
    expect(mail[0]!.body).toContain("después de 3 intentos de entrega fallidos seguidos");
    // Its time as Life Beat's emails write one ("7 de diciembre de 2026 a las 02:43 (UTC)"), not "2026-12-07 02:43 UTC".
    expect(mail[0]!.body).toContain(`se desactivó el ${dayAt(clock.now(), "es")} después`);
    expect(mail[0]!.body).toMatch(/se desactivó el \d{1,2} de [a-z]+ de \d{4} a las? \d{2}:\d{2} \(UTC\) después/);
    // From Dhanam, not from Life Beat: a webhook notice is none of Life Beat's.
    expect(mail[0]!.sender).toBe(dhanamSender(env.EMAIL_FROM));
    expect(mail[0]!.sender).toMatch(/^Dhanam <[^<>]+@[^<>]+>$/);
    expect(mail[0]!.body).toContain(`PATCH /v1/webhooks/${hook.id} y {"enabled": true}`);
    // No secret, no path, no query string.
    for (const leak of [hook.secret, "tok_SECRETQUERY", "token=", hook.inbox, "/sandbox/webhook-receiver"]) expect(mail[0]!.body).not.toContain(leak);
    expect(mail[0]!.subject).not.toContain(hook.inbox);

    // Every delivery is cancelled now, not at its next attempt, and no retry was left pending.
    const rows = await Promise.all(ids.map((id) => deliveryRow(id)));
    expect(rows.map((r) => [r!.status, r!.last_error, r!.next_attempt_at])).toEqual(ids.map(() => ["cancelled", "Subscription disabled", null]));
    // Their attempt log keeps what the receiver answered.
    const log = (await callJson(`/v1/webhooks/${hook.id}/deliveries`, as(owner))).body.deliveries;
    expect(log.every((d: any) => d.status === "cancelled" && d.attemptLog[0].error === "HTTP 500")).toBe(true);

    // Later failures of the same disable (an attempt that was out meanwhile) and the outbox's next run send nothing more.
    clock.advance(60_000);
    await deliverDue(svc);
    expect(await emailsTo(owner.email)).toHaveLength(1);
  });

  it("a re-enable resumes new events only, whenever it comes; a second disable is a second email", { timeout: 60_000 }, async () => {
    const { owner, spaceId, hook } = await failingHook("pt");
    const clock = manualClock();
    const svc = servicesAt(clock, { WEBHOOK_DISABLE_AFTER_FAILURES: LIMIT });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { i }))));
    for (const id of ids) {
      await deliverAttempt(svc, id, 0);
      // The run's first failure a day before its last (failure-run.test.ts).
      clock.advance(id === ids[0] ? DISABLE_MIN_RUN_MS : 1_000);
    }
    expect((await subscriptionRow(hook.id))!.enabled).toBe(0);
    const mail = await emailsTo(owner.email);
    expect(mail.map((m) => m.subject)).toEqual(["Dhanam: seu webhook para sandbox[.]dhanam[.]invalid foi desativado"]);
    expect(mail[0]!.body).toContain("depois de 3 tentativas de entrega seguidas com falha");

    // An event while it is disabled, fanned out only after the re-enable (the fan-out lags): not sent.
    const during = await outboxRow(spaceId, "transaction.created", { during: true });
    await new Promise((r) => setTimeout(r, 5));
    await failNext(hook.inbox, 0);
    const again = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } });
    expect(again.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    expect(await fanOut(svc, during)).toEqual([]);

    // The re-enable comes before the cancelled deliveries' next retry would have: they stay cancelled. Their retry
    // messages (queued before the disable, arriving now) send nothing.
    for (const id of ids) expect((await deliverAttempt(svc, id, 1)).outcome).toBe("stale");
    clock.advance(3_600_000);
    for (const id of ids) expect((await deliverAttempt(svc, id, 1)).outcome).toBe("stale");
    expect((await Promise.all(ids.map((id) => deliveryRow(id)))).every((r) => r!.status === "cancelled")).toBe(true);
    expect(await inbox(hook.inbox)).toHaveLength(3); // the three failed attempts, nothing since

    // A new event is delivered.
    await new Promise((r) => setTimeout(r, 5));
    const [fresh] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { after: true }));
    expect((await deliverAttempt(svc, fresh!, 0)).outcome).toBe("succeeded");
    expect(JSON.parse((await inbox(hook.inbox)).at(-1)!.body).data).toEqual({ after: true });

    // Failing again to the limit is a new disable: a second email.
    await failNext(hook.inbox, 10_000, 500);
    const more: string[] = [];
    for (let i = 0; i < 3; i++) more.push(...(await fanOut(svc, await outboxRow(spaceId, "transaction.created", { again: i }, Date.now() + 10))));
    for (const id of more) {
      clock.advance(id === more[1] ? DISABLE_MIN_RUN_MS : 1_000);
      await deliverAttempt(svc, id, 0);
    }
    expect((await subscriptionRow(hook.id))!.disabled_reason).toBe("failures");
    expect(await emailsTo(owner.email)).toHaveLength(2);
    expect(await noticesOf(hook.id)).toHaveLength(2);
  });

  it("an admin's disable cancels what is pending too, and sends no email", async () => {
    const { owner, spaceId, hook } = await failingHook("en");
    const svc = servicesAt(manualClock(), { WEBHOOK_DISABLE_AFTER_FAILURES: LIMIT });
    const [id] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { manual: true }));
    expect((await deliverAttempt(svc, id!, 0)).outcome).toBe("retrying");
    const off = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled: false } });
    expect(off.body).toMatchObject({ enabled: false, disabledReason: "manual" });
    expect(await deliveryRow(id!)).toMatchObject({ status: "cancelled", last_error: "Subscription disabled", next_attempt_at: null });
    // One left pending by a disable before this rule (put back by hand): the re-enable cancels it rather than send it.
    await env.DB.prepare("UPDATE webhook_deliveries SET status = 'pending', last_error = 'HTTP 500', next_attempt_at = ? WHERE id = ?").bind(Date.now() + 3_600_000, id!).run();
    const on = await callJson(`/v1/webhooks/${hook.id}`, { ...as(owner), method: "PATCH", body: { enabled: true } });
    expect(on.body.enabled).toBe(true);
    expect(await deliveryRow(id!)).toMatchObject({ status: "cancelled", last_error: "Subscription disabled", next_attempt_at: null });
    expect(await emailsTo(owner.email)).toHaveLength(0);
  });
});
