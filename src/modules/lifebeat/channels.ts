/**
 * The notification channels' HTTP clients: a Resend-style email API and a
 * Twilio-style SMS API, reached through `outbound(env)` (so in sandbox mode
 * the simulators in src/sandbox answer). Each returns the provider's message
 * id, or throws a `ChannelError` that says whether a retry can help.
 */
import type { Outbound } from "../../lib/outbound";
import { oneLine } from "../../lib/visible-text";

export class ChannelError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = "ChannelError";
  }
}

export interface OutgoingMessage {
  /** Our notification id: sent as the email API's Idempotency-Key. */
  id: string;
  to: string;
  subject: string;
  text: string;
  /** Who it is from: Life Beat's notices (the default) or another of Dhanam's, such as a webhook's disable notice. */
  sender?: "lifebeat" | "dhanam";
}

/**
 * The From of a notice that is not Life Beat's: EMAIL_FROM's address under the name "Dhanam" ("Dhanam Life Beat
 * <lifebeat@dhanam.app>" becomes "Dhanam <lifebeat@dhanam.app>"); a bare address, without a name, as it is.
 */
export function dhanamSender(from: string): string {
  const open = from.lastIndexOf("<");
  return open >= 0 && from.trimEnd().endsWith(">") ? `Dhanam ${from.slice(open).trim()}` : from;
}

/** 408, 409 (idempotent request still in progress), 429 and 5xx may succeed later; other 4xx will not. */
const retryable = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

async function failure(res: Response, what: string): Promise<ChannelError> {
  let detail = "";
  try {
    const body = (await res.json()) as { message?: string };
    detail = typeof body?.message === "string" ? `: ${body.message.slice(0, 200)}` : "";
  } catch {
    // not JSON; the status says enough
  }
  return new ChannelError(`${what} answered ${res.status}${detail}`, retryable(res.status));
}

async function send(http: Outbound, request: Request, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await http(request);
  } catch (err) {
    throw new ChannelError(`${what} unreachable: ${err instanceof Error ? err.message : String(err)}`, true);
  }
  if (!res.ok) throw await failure(res, what);
  return res;
}

/** POST {EMAIL_BASE_URL}/emails with a bearer key; answers `{ id }`. */
export async function sendEmail(env: Env, http: Outbound, m: OutgoingMessage): Promise<string> {
  if (!env.EMAIL_BASE_URL || !env.EMAIL_API_KEY) throw new ChannelError("Email channel is not configured", false);
  const res = await send(
    http,
    new Request(`${env.EMAIL_BASE_URL.replace(/\/+$/, "")}/emails`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.EMAIL_API_KEY}`, "content-type": "application/json", "idempotency-key": m.id },
      // A subject is one header line: a name stored before names had to be on one line must not break it.
      body: JSON.stringify({ from: m.sender === "dhanam" ? dhanamSender(env.EMAIL_FROM) : env.EMAIL_FROM, to: [m.to], subject: oneLine(m.subject), text: m.text }),
    }),
    "Email API",
  );
  const body = (await res.json().catch(() => null)) as { id?: unknown } | null;
  if (typeof body?.id !== "string") throw new ChannelError("Email API answered without a message id", true);
  return body.id;
}

/** POST {SMS_BASE_URL}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded, HTTP Basic; answers `{ sid }`. */
export async function sendSms(env: Env, http: Outbound, m: OutgoingMessage): Promise<string> {
  if (!env.SMS_BASE_URL || !env.SMS_ACCOUNT_SID || !env.SMS_AUTH_TOKEN) throw new ChannelError("SMS channel is not configured", false);
  const sid = encodeURIComponent(env.SMS_ACCOUNT_SID);
  const res = await send(
    http,
    new Request(`${env.SMS_BASE_URL.replace(/\/+$/, "")}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${env.SMS_ACCOUNT_SID}:${env.SMS_AUTH_TOKEN}`)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ To: m.to, From: env.SMS_FROM, Body: m.text }).toString(),
    }),
    "SMS API",
  );
  const body = (await res.json().catch(() => null)) as { sid?: unknown } | null;
  if (typeof body?.sid !== "string") throw new ChannelError("SMS API answered without a message sid", true);
  return body.sid;
}
