/**
 * Households and the safety rules around emergency access: invitations are
 * single-use, expiring, bound to the invited email and stored hashed; only the
 * owner configures, grants and checks in; a check-in, disabling Life Beat and
 * removing the executor each end what they should; the owner's activity counts
 * as a check-in; notices are retried with backoff and recorded.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shown } from "../../src/modules/lifebeat/messages";
import { MAX_ATTEMPTS } from "../../src/modules/lifebeat/outbox";
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";
import {
  as, configure, cron, DAY, emailsTo, HOUR, householdWorld, invitationToken, levelOf, MIN, registerWithEmail, relogin, sim, smsTo,
} from "./helpers";

afterEach(() => vi.useRealTimers());

describe("households", () => {
  it("creates a household of spaces the caller owns; members see it, others get 404, non-owners 403", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const mine = await createSpace(owner);
    const theirs = await createSpace(other);
    await addMember(other, theirs.id, owner, "admin");
    expect((await callJson("/v1/households", { ...as(owner), body: { name: "H", spaceIds: [theirs.id] } })).status).toBe(403);
    expect((await callJson("/v1/households", { ...as(owner), body: { name: "H", spaceIds: ["spc_nope"] } })).status).toBe(404);
    const hh = await callJson("/v1/households", { ...as(owner), body: { name: "H", spaceIds: [mine.id] } });
    expect(hh.status).toBe(201);
    expect(hh.body).toMatchObject({ name: "H", ownerId: owner.id, spaceIds: [mine.id], lifeBeat: { enabled: false, currentEscalationLevel: 0 } });
    expect(hh.body.members).toEqual([expect.objectContaining({ userId: owner.id, role: "owner", status: "active", relationship: "self" })]);
    expect((await callJson(`/v1/households/${hh.body.id}`, as(other))).status).toBe(404);
    expect((await callJson(`/v1/life-beat?householdId=${hh.body.id}`, as(other))).status).toBe(404);
    const list = await callJson("/v1/households", as(owner));
    expect(list.body.map((h: any) => h.id)).toContain(hh.body.id);
    const lb = await callJson(`/v1/life-beat?householdId=${hh.body.id}`, as(owner));
    expect(lb.body).toMatchObject({ enabled: false, checkInInterval: "monthly", escalationDays: [30, 60, 90], currentEscalationLevel: 0, executorId: null, notificationChannels: ["email"] });
  });

  it("invitations are single-use, expire, belong to the invited email and are stored only hashed", async () => {
    sim.set(Date.now());
    const owner = await registerUser();
    const hh = await callJson("/v1/households", { ...as(owner), body: { name: "Inv", spaceIds: [] } });
    const email = `Invitee-${crypto.randomUUID().slice(0, 6)}@Example.com`;
    const inv = await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email, relationship: "child", role: "member" } });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ status: "invited", userId: null, role: "member" });
    expect((await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email: email.toLowerCase(), relationship: "x", role: "member" } })).status).toBe(409);
    const token = await invitationToken(email);
    // Nothing stored holds the token itself: the member row keeps its hash, the outbox a sealed body.
    const stored = JSON.stringify([
      (await env.DB.prepare("SELECT * FROM household_members WHERE household_id = ?").bind(hh.body.id).all()).results,
      (await env.DB.prepare("SELECT * FROM life_beat_notifications WHERE household_id = ?").bind(hh.body.id).all()).results,
    ]);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(4));

    const stranger = await registerUser();
    expect((await callJson(`/v1/households/invitations/${token}/accept`, { ...as(stranger), method: "POST" })).status).toBe(403);
    const invitee = await registerWithEmail(email.toLowerCase());
    const ok = await callJson(`/v1/households/invitations/${token}/accept`, { ...as(invitee), method: "POST" });
    expect(ok.status).toBe(200);
    expect(ok.body.member).toMatchObject({ userId: invitee.id, status: "active" });
    expect((await callJson(`/v1/households/invitations/${token}/accept`, { ...as(invitee), method: "POST" })).status).toBe(404);
    // A member reads the household but may not invite, configure or grant.
    expect((await callJson(`/v1/households/${hh.body.id}`, as(invitee))).status).toBe(200);
    expect((await callJson(`/v1/households/${hh.body.id}/members`, { ...as(invitee), body: { email: "a@example.com", relationship: "x", role: "executor" } })).status).toBe(403);
    expect((await callJson("/v1/life-beat", { ...as(invitee), method: "PUT", body: { householdId: hh.body.id, enabled: true } })).status).toBe(403);

    // An invitation not accepted within 7 days is dead.
    const late = `late-${crypto.randomUUID().slice(0, 6)}@example.com`;
    await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email: late, relationship: "friend", role: "executor" } });
    const lateToken = await invitationToken(late);
    sim.set(sim.now + 7 * DAY);
    const lateUser = await registerWithEmail(late);
    expect((await callJson(`/v1/households/invitations/${lateToken}/accept`, { ...as(lateUser), method: "POST" })).status).toBe(404);
    expect((await callJson("/v1/households/invitations/hhi_made_up/accept", { ...as(lateUser), method: "POST" })).status).toBe(404);
  });
});

describe("invitation emails", () => {
  const invite = (owner: TestUser, householdId: string, email: string) =>
    callJson(`/v1/households/${householdId}/members`, { ...as(owner), body: { email, relationship: "x", role: "member" } });
  const household = async (owner: TestUser, name = "H") => (await callJson("/v1/households", { ...as(owner), body: { name, spaceIds: [] } })).body.id as string;
  const stored = async (email: string) => ({
    // Current members: a removed one's row stays, marked removed.
    members: (await env.DB.prepare("SELECT COUNT(*) AS n FROM household_members WHERE lower(email) = lower(?) AND removed_at IS NULL").bind(email).first<{ n: number }>())!.n,
    notices: (await env.DB.prepare("SELECT COUNT(*) AS n FROM life_beat_notifications WHERE lower(recipient) = lower(?)").bind(email).first<{ n: number }>())!.n,
    emails: (await emailsTo(email)).length,
  });
  const expectLimited = (r: { status: number; body: any; res: Response }) => {
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(Number(r.res.headers.get("retry-after"))).toBeGreaterThan(0);
  };

  it("have a fixed subject; the body quotes the names, cut short and defanged, and the inviter's sign-up email", async () => {
    const owner = await registerUser({ name: "Your bank: account locked, verify at http://evil.example/login" });
    const hh = await household(owner, "Call +1 555 0100 or visit www.evil.example or ｅｖｉｌ．ｅｘａｍｐｌｅ");
    const email = `victim-${crypto.randomUUID().slice(0, 6)}@example.org`;
    expect((await invite(owner, hh, email)).status).toBe(201);
    const [mail] = await emailsTo(email);
    expect(mail!.subject).toBe("You have been invited to a household on Dhanam");
    // Cut at 60 characters, and no link a mail client could make of the names, the full-width one included.
    expect(mail!.body).toContain("“Your bank: account locked, verify at http[:]//evil[.]example/log…”");
    expect(mail!.body).toContain("“Call +1 555 0100 or visit www[.]evil[.]example or evil[.]example”");
    expect(mail!.body).toContain(`who signed up to Dhanam as ${owner.email.replace(".com", "[.]com")}`);
    expect(mail!.body).not.toMatch(/:\/\/|www\.|evil\.example|ｅｖｉｌ/);
    // The invitation works as before.
    const invitee = await registerWithEmail(email);
    expect((await callJson(`/v1/households/invitations/${await invitationToken(email)}/accept`, { ...as(invitee), method: "POST" })).status).toBe(200);

    // In Spanish too, for an owner who writes in Spanish.
    const es = await registerUser({ name: "Ana", locale: "es" });
    const other = `victim-${crypto.randomUUID().slice(0, 6)}@example.org`;
    expect((await invite(es, await household(es, "Casa"), other)).status).toBe(201);
    const [correo] = await emailsTo(other);
    expect(correo!.subject).toBe("Te invitaron a un hogar en Dhanam");
    expect(correo!.body).toContain("“Ana”, que se registró en Dhanam como");
    expect(correo!.body).toContain("al hogar “Casa” como miembro");
    // Its expiry to the minute, in UTC, saying so.
    const expires = new Date(Date.now() + 7 * 86_400_000);
    expect(correo!.body).toMatch(/La invitación vence el \d{1,2} de [a-z]+ de \d{4} a las? \d{2}:\d{2} \(UTC\) y sirve una sola vez/);
    expect(correo!.body).toContain(`${expires.toLocaleDateString("es-MX", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })} a la`);

    // An address with an account reads it in its own language, whatever the inviter's.
    const reader = await registerUser({ locale: "pt" });
    expect((await invite(es, await household(es, "Casa 2"), reader.email)).status).toBe(201);
    const [convite] = await emailsTo(reader.email);
    expect(convite!.subject).toBe("Você recebeu um convite para um grupo familiar no Dhanam");
    expect(convite!.body).toContain("“Ana”, que se cadastrou no Dhanam como");
  });

  it("show names on one line, without format characters or quotes that would end the message's", () => {
    expect(shown("  Ana\n\nGarcía  ")).toBe("Ana García");
    expect(shown("evil.\u200Bexample")).toBe("evil[.]example");
    expect(shown("\u202Emoc.live")).toBe("moc[.]live");
    expect(shown('Ana" says: "pay')).toBe("Ana' says: 'pay");
    expect(shown("x".repeat(61))).toBe(`${"x".repeat(60)}…`);
    expect(shown("J.R.R. Tolkien, St. John, 3.5")).toBe("J.R.R. Tolkien, St. John, 3.5");
    // A number alone keeps its point; a host of digits and letters, an address of numbers, or a number joined to a name do not.
    expect(shown("Casa 2.500 (1.25)")).toBe("Casa 2.500 (1.25)");
    expect(shown("Casa 2.500.000")).toBe("Casa 2[.]500[.]000");
    expect(shown("192.168.10.12 and 1.example and 2.5x and v2.50")).toBe("192[.]168[.]10[.]12 and 1[.]example and 2[.]5x and v2[.]50");
    expect(shown("cuenta 12.34.")).toBe("cuenta 12.34.");
    // "A.N" is an IPv4 address (93.12113954 is 93.184.216.34): joined to anything that makes a link of it, defanged.
    for (const [raw, want] of [["\\\\93.12113954\\s", "\\\\93[.]12113954\\s"], ["http:12.34", "http:12[.]34"], ["https:/12.34/x", "https:/12[.]34/x"], ["http:\\\\12.34\\x", "http:\\\\12[.]34\\x"], ["a@12.34", "a@12[.]34"], ["12.34/evil", "12[.]34/evil"]]) {
      expect(shown(raw!), raw).toBe(want);
    }
  });

  it("an inviter sends 20 a day; past that a 429 with Retry-After, with nothing stored or sent", async () => {
    const owner = await registerUser();
    const hh = await household(owner);
    for (let i = 0; i < 20; i++) expect((await invite(owner, hh, `cap-${i}-${crypto.randomUUID().slice(0, 6)}@example.org`)).status).toBe(201);
    const email = `cap-21-${crypto.randomUUID().slice(0, 6)}@example.org`;
    expectLimited(await invite(owner, hh, email));
    // Per inviter, not per household.
    expectLimited(await invite(owner, await household(owner, "Another"), email));
    expect(await stored(email)).toEqual({ members: 0, notices: 0, emails: 0 });
    // Another inviter is not held back by this one.
    const other = await registerUser();
    expect((await invite(other, await household(other), email)).status).toBe(201);
  });

  it("one inviter reaches an address 3 times a day, however it is removed and invited again or spelled; another inviter still can", async () => {
    const owner = await registerUser();
    const hh = await household(owner);
    const email = `flood-${crypto.randomUUID().slice(0, 6)}@example.org`;
    const [local, domain] = email.split("@");
    const first = await invite(owner, hh, email);
    expect(first.status).toBe(201);
    // A duplicate is a 409 before the limits, and costs nothing.
    expect((await invite(owner, hh, email.toUpperCase())).status).toBe(409);
    const remove = (id: string) => callJson(`/v1/households/${hh}/members/${id}`, { ...as(owner), method: "DELETE" });
    expect((await remove(first.body.id)).status).toBe(204);
    const second = await invite(owner, hh, email.toUpperCase());
    expect(second.status).toBe(201);
    expect((await remove(second.body.id)).status).toBe(204);
    const third = await invite(owner, hh, `${local}+again@${domain}`);
    expect(third.status).toBe(201);
    expect((await remove(third.body.id)).status).toBe(204);
    expectLimited(await invite(owner, hh, email));
    expectLimited(await invite(owner, hh, `${local}+more@${domain}`));
    expect(await stored(email)).toEqual({ members: 0, notices: 2, emails: 2 });
    expect(await stored(`${local}+more@${domain}`)).toEqual({ members: 0, notices: 0, emails: 0 });
    // A stranger's flood does not use up what a family's invitation needs (review: three requests blocked it).
    const family = await registerUser();
    expect((await invite(family, await household(family), email)).status).toBe(201);
  });

  it("an address gets 10 a day from everyone, so many accounts together cannot flood it", async () => {
    const email = `many-${crypto.randomUUID().slice(0, 6)}@example.org`;
    const [local, domain] = email.split("@");
    let sent = 0;
    for (let inviter = 0; inviter < 4; inviter++) {
      const u = await registerUser();
      const hh = await household(u);
      for (let i = 0; i < 3 && sent < 10; i++, sent++) expect((await invite(u, hh, `${local}+${inviter}.${i}@${domain}`)).status).toBe(201);
    }
    const late = await registerUser();
    expectLimited(await invite(late, await household(late), email));
  });
});

describe("the owner's phone number", () => {
  it("is shown whole to the owner and only by its last two digits to other members (the executor included)", async () => {
    const w = await householdWorld();
    const saved = await configure(w, { enabled: true, executorId: w.executorId, notificationChannels: ["email", "sms"], smsNumber: "+14155550123" });
    expect(saved.smsNumber).toBe("+14155550123");
    const own = await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.owner));
    expect(own.body.smsNumber).toBe("+14155550123");
    const theirs = await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.executor));
    expect(theirs.status).toBe(200);
    expect(theirs.body.smsNumber).toBe("••••••••••23");
    expect(JSON.stringify(theirs.body)).not.toContain("5550123");
  });
});

describe("emergency access safety", () => {
  it("a check-in revokes a manual grant; removing the executor revokes theirs; the grant is refused on every write", async () => {
    sim.set(Date.now());
    const w = await householdWorld();
    const grant = () =>
      callJson("/v1/life-beat/emergency-access", {
        ...as(w.owner),
        body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(sim.now + 2 * DAY).toISOString() },
      });
    expect((await callJson("/v1/life-beat/emergency-access", {
      ...as(w.owner),
      body: { householdId: w.householdId, executorId: w.executorId, expiresAt: new Date(sim.now - 1).toISOString() },
    })).status).toBe(422);
    expect((await callJson("/v1/spaces", as(w.executor))).body).toEqual([]);
    expect((await grant()).status).toBe(201);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(200);
    // The space list shows the household's spaces (as a viewer), never the owner's others.
    const listed = (await callJson("/v1/spaces", as(w.executor))).body;
    expect(listed.map((x: any) => x.id).sort()).toEqual([...w.spaceIds].sort());
    expect(listed.every((x: any) => x.role === "viewer")).toBe(true);
    // Even the viewer-level "leave the space" write is refused under a grant.
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}/members/${w.executor.id}`, { ...as(w.executor), method: "DELETE" })).status).toBe(403);
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, { ...as(w.executor), method: "PATCH", body: { name: "Mine" } })).status).toBe(403);

    const ci = await callJson("/v1/life-beat/check-in", { ...as(w.owner), body: { householdId: w.householdId } });
    expect(ci.status).toBe(200);
    expect(ci.body).toMatchObject({ escalationReset: true, revokedGrants: 1 });
    expect((await callJson(`/v1/spaces/${w.spaceIds[0]}`, as(w.executor))).status).toBe(404);
    expect((await callJson("/v1/spaces", as(w.executor))).body).toEqual([]);
    const lb = await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.owner));
    expect(lb.body.emergencyAccess[0]).toMatchObject({ status: "revoked", source: "manual" });

    expect((await grant()).status).toBe(201);
    expect((await callJson(`/v1/spaces/${w.spaceIds[1]}`, as(w.executor))).status).toBe(200);
    expect((await callJson(`/v1/households/${w.householdId}/members/${w.executorId}`, { ...as(w.executor), method: "DELETE" })).status).toBe(403);
    expect((await callJson(`/v1/households/${w.householdId}/members/${w.executorId}`, { ...as(w.owner), method: "DELETE" })).status).toBe(204);
    expect((await callJson(`/v1/spaces/${w.spaceIds[1]}`, as(w.executor))).status).toBe(404);
    expect((await callJson(`/v1/households/${w.householdId}`, as(w.executor))).status).toBe(404);
    const after = await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(w.owner));
    expect(after.body.executorId).toBeNull();
    // The owner cannot be removed.
    const hh = await callJson(`/v1/households/${w.householdId}`, as(w.owner));
    const ownerMember = hh.body.members.find((m: any) => m.role === "owner");
    expect((await callJson(`/v1/households/${w.householdId}/members/${ownerMember.id}`, { ...as(w.owner), method: "DELETE" })).status).toBe(403);
  });

  it("a second manual grant to an executor while one is live is 409 DUPLICATE_RESOURCE, even sent together; after a check-in or expiry the owner grants again", async () => {
    sim.set(Date.now());
    const w = await householdWorld();
    const grant = (days: number) =>
      callJson("/v1/life-beat/emergency-access", {
        ...as(w.owner),
        body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(sim.now + days * DAY).toISOString() },
      });
    const liveManual = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_grants WHERE member_id = ? AND source = 'manual' AND revoked_at IS NULL AND expires_at > ?")
        .bind(w.executorId, sim.now).first<{ n: number }>())!.n;
    const first = await grant(2);
    expect(first.status).toBe(201);
    const again = await grant(5);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "DUPLICATE_RESOURCE", message: expect.stringContaining(first.body.id) });
    expect(await liveManual()).toBe(1);

    // Ended by a check-in, it may be granted again: two grants sent together make one.
    expect((await callJson("/v1/life-beat/check-in", { ...as(w.owner), body: { householdId: w.householdId } })).status).toBe(200);
    const both = await Promise.all([grant(3), grant(4)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await liveManual()).toBe(1);

    // Expired, likewise.
    sim.set(sim.now + 4 * DAY);
    await relogin(w.owner);
    expect(await liveManual()).toBe(0);
    expect((await grant(1)).status).toBe(201);
  });

  it("an executor who never joined gets a fresh single-use invitation with the final notice, and then reads", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const owner = await registerUser();
    const space = await createSpace(owner);
    const hh = await callJson("/v1/households", { ...as(owner), body: { name: "Late", spaceIds: [space.id] } });
    const email = `late-exec-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const inv = await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email, relationship: "cousin", role: "executor" } });
    const first = await invitationToken(email);
    expect((await callJson("/v1/life-beat", { ...as(owner), method: "PUT", body: { householdId: hh.body.id, enabled: true, checkInInterval: "weekly", escalationDays: [10], executorId: inv.body.id } })).status).toBe(200);
    const t = t0 + 17 * DAY; // the first invitation expired on day 7
    sim.set(t);
    await cron(t);
    expect(await levelOf(hh.body.id)).toBe(1);
    const fresh = await invitationToken(email);
    expect(fresh).not.toBe(first);
    const mails = await emailsTo(email);
    expect(mails[mails.length - 1]!.subject).toBe("Life Beat: emergency access to the Late household");
    const executor = await registerWithEmail(email);
    expect((await callJson(`/v1/households/invitations/${first}/accept`, { ...as(executor), method: "POST" })).status).toBe(404);
    expect((await callJson(`/v1/households/invitations/${fresh}/accept`, { ...as(executor), method: "POST" })).status).toBe(200);
    expect((await callJson(`/v1/spaces/${space.id}`, as(executor))).status).toBe(200);
    expect((await callJson(`/v1/spaces/${space.id}`, { ...as(executor), method: "PATCH", body: { name: "x" } })).status).toBe(403);
  });

  it("the owner's activity counts as a check-in, without a D1 write per request; the executor's does not", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld();
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30], executorId: w.executorId });
    // Day 10: the owner uses the app (any authenticated request); the executor too, later.
    sim.set(t0 + 10 * DAY);
    await relogin(w.owner);
    expect((await callJson("/v1/spaces", as(w.owner))).status).toBe(200);
    expect((await env.DB.prepare("SELECT last_check_in FROM life_beat WHERE household_id = ?").bind(w.householdId).first<{ last_check_in: number }>())!.last_check_in).toBe(t0);
    sim.set(t0 + 20 * DAY);
    await relogin(w.executor);
    expect((await callJson("/v1/spaces", as(w.executor))).status).toBe(200);
    // Day 37, when level 1 would have been due from day 0: nothing fires; the check-in is day 10.
    const t = t0 + 37 * DAY;
    sim.set(t);
    await cron(t);
    expect(await levelOf(w.householdId)).toBe(0);
    const row = await env.DB.prepare("SELECT last_check_in, next_escalation_at FROM life_beat WHERE household_id = ?").bind(w.householdId).first<any>();
    expect(row.last_check_in).toBeGreaterThanOrEqual(t0 + 10 * DAY);
    expect(row.last_check_in).toBeLessThan(t0 + 10 * DAY + MIN);
    expect(row.next_escalation_at).toBe(row.last_check_in + 37 * DAY);
    // And level 1 comes 37 days after that activity.
    sim.set(row.next_escalation_at - 1);
    await cron(row.next_escalation_at - 1);
    expect(await levelOf(w.householdId)).toBe(0);
    sim.set(row.next_escalation_at);
    await cron(row.next_escalation_at);
    expect(await levelOf(w.householdId)).toBe(1);
  });

  it("disabling Life Beat cancels pending escalations and notices", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld();
    // SMS to Twilio's "unavailable" test number keeps the notice pending (retrying).
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30, 60], executorId: w.executorId, notificationChannels: ["email", "sms"], smsNumber: "+15005550009" });
    const t = t0 + 37 * DAY;
    sim.set(t);
    await cron(t);
    expect(await levelOf(w.householdId)).toBe(1);
    const pending = await env.DB.prepare("SELECT status, attempts FROM life_beat_notifications WHERE household_id = ? AND channel = 'sms'").bind(w.householdId).first<any>();
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    await relogin(w.owner);
    const off = await configure(w, { enabled: false });
    expect(off).toMatchObject({ enabled: false, currentEscalationLevel: 0, nextEscalationAt: null });
    expect((await env.DB.prepare("SELECT status FROM life_beat_notifications WHERE household_id = ? AND channel = 'sms'").bind(w.householdId).first<any>()).status).toBe("cancelled");
    for (const day of [38, 67, 100, 200]) {
      sim.set(t0 + day * DAY);
      await cron(t0 + day * DAY);
    }
    expect(await levelOf(w.householdId)).toBe(0);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM life_beat_escalations WHERE household_id = ?").bind(w.householdId).first<any>()).n).toBe(1);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_grants WHERE household_id = ?").bind(w.householdId).first<any>()).n).toBe(0);
    expect(await smsTo("+15005550009")).toEqual([]);
  });

  it("notices go out by email and SMS through the real clients; a failing channel is retried with backoff, then marked failed", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld({ locale: "es" });
    const phone = `+1415555${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}`;
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30, 60], executorId: w.executorId, notificationChannels: ["email", "sms"], smsNumber: phone });
    const t1 = t0 + 37 * DAY;
    sim.set(t1);
    await cron(t1);
    const sms = await smsTo(phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toContain("confirma que estás bien");
    expect((await emailsTo(w.owner.email)).map((m) => m.subject)).toEqual(["Life Beat: confirma que estás bien (aviso 1 de 2)"]);

    // Now the phone number stops working (Twilio's 503 test number): retried 5, 10, 20, 40, 80 minutes apart, then failed.
    await relogin(w.owner);
    await configure(w, { smsNumber: "+15005550009" });
    const t2 = sim.now + 37 * DAY;
    const seen: { attempts: number; at: number; next: number; status: string }[] = [];
    for (let t = t2; t <= t2 + 12 * HOUR; t += 15 * MIN) {
      sim.set(t);
      await cron(t);
      const n = await env.DB.prepare("SELECT attempts, next_attempt_at, status FROM life_beat_notifications WHERE household_id = ? AND channel = 'sms' AND recipient = '+15005550009'")
        .bind(w.householdId)
        .first<any>();
      if (n && (seen.length === 0 || seen[seen.length - 1]!.attempts !== n.attempts)) seen.push({ attempts: n.attempts, at: t, next: n.next_attempt_at, status: n.status });
    }
    expect(seen.map((s) => s.attempts)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.slice(0, 5).map((s) => (s.next - s.at) / MIN)).toEqual([5, 10, 20, 40, 80]);
    expect(seen[5]!.status).toBe("failed");
    expect(MAX_ATTEMPTS).toBe(6);
    const row = await env.DB.prepare("SELECT last_error FROM life_beat_notifications WHERE household_id = ? AND recipient = '+15005550009'").bind(w.householdId).first<any>();
    expect(row.last_error).toContain("503");
    // The email of the same level went out once.
    expect((await emailsTo(w.owner.email)).filter((m) => m.subject.includes("aviso 1 de 2"))).toHaveLength(2); // one per cycle
  });
});
