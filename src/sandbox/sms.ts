/**
 * Sandbox SMS API (Twilio-style): `POST /2010-04-01/Accounts/{sid}/Messages.json`
 * with HTTP Basic `<SMS_ACCOUNT_SID>:<SMS_AUTH_TOKEN>` and a form body `To`,
 * `From`, `Body` answers 201 `{ sid, status: "queued", ... }` and records the
 * message. `To` must be E.164; Twilio's magic invalid number `+15005550001`
 * is refused (400, code 21211) and `+15005550009` gets a 503. `GET /messages?to=`
 * lists what was received. Registered with `all` (not part of the public API).
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { newId } from "../lib/ids";

export const smsSandbox = new Hono<AppEnv>();

const E164 = /^\+[1-9][0-9]{6,14}$/;
const twilioError = (status: number, code: number, message: string) => ({ code, message, status, more_info: `https://www.twilio.com/docs/errors/${code}` });

smsSandbox.all("/2010-04-01/Accounts/:sid/Messages.json", async (c) => {
  if (c.req.method !== "POST") return c.json(twilioError(405, 20004, "Method not allowed"), 405);
  const expected = `Basic ${btoa(`${c.env.SMS_ACCOUNT_SID}:${c.env.SMS_AUTH_TOKEN}`)}`;
  if (c.req.param("sid") !== c.env.SMS_ACCOUNT_SID || !timingSafeEqual(c.req.header("authorization") ?? "", expected)) {
    return c.json(twilioError(401, 20003, "Authenticate"), 401);
  }
  if (!(c.req.header("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    return c.json(twilioError(400, 21601, "Expected a form-encoded body"), 400);
  }
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const to = form.get("To") ?? "";
  const from = form.get("From") ?? "";
  const text = form.get("Body") ?? "";
  if (!E164.test(to)) return c.json(twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`), 400);
  if (!E164.test(from)) return c.json(twilioError(400, 21212, "The 'From' number is not a valid phone number."), 400);
  if (!text || text.length > 1600) return c.json(twilioError(400, 21602, "Message body is required and at most 1600 characters."), 400);
  if (to === "+15005550001") return c.json(twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`), 400);
  if (to === "+15005550009") return c.json(twilioError(503, 20503, "Service unavailable"), 503);
  const now = Date.now();
  const sid = `SM${newId("msg", now).slice(4)}`;
  await c.env.DB.prepare(
    "INSERT INTO sandbox_messages (id, channel, recipient, sender, subject, body, received_at) VALUES (?, 'sms', ?, ?, NULL, ?, ?)",
  )
    .bind(sid, to, from, text, now)
    .run();
  return c.json({ sid, status: "queued", to, from, body: text, date_created: new Date(now).toUTCString() }, 201);
});

smsSandbox.all("/messages", async (c) => {
  if (c.req.method !== "GET") return c.json(twilioError(405, 20004, "Method not allowed"), 405);
  const to = c.req.query("to");
  const rows = await c.env.DB.prepare(
    `SELECT id AS sid, recipient AS "to", sender AS "from", body, received_at AS receivedAt FROM sandbox_messages
      WHERE channel = 'sms' AND (?1 IS NULL OR recipient = ?1) ORDER BY received_at DESC, id DESC LIMIT 100`,
  )
    .bind(to ?? null)
    .all();
  return c.json({ messages: rows.results }, 200);
});
