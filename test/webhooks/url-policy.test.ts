/**
 * Where webhooks may go: https to public addresses only, with private,
 * loopback and link-local targets refused in every spelling (IPv4 forms the
 * URL parser normalizes, IPv6 literals including forms that carry an IPv4
 * address, local host names), at creation and again at delivery time.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverAttempt, fanOut } from "../../src/modules/webhooks/deliver";
import { webhookUrlProblem } from "../../src/modules/webhooks/url-policy";
import { callJson } from "../helpers";
import { adminSpace, as, createWebhook, deliveryRow, inbox, manualClock, outboxRow, servicesAt, subscriptionRow } from "./helpers";

const production = { ...env, ENVIRONMENT: "production", PROVIDER_MODE: "production" } as Env;
const development = { ...env, ENVIRONMENT: "development", PROVIDER_MODE: "production" } as Env;

const REFUSED = [
  // IPv4: private, loopback, link-local (metadata), CGNAT, this-network, multicast, broadcast, documentation.
  "https://10.0.0.1/h", "https://172.16.5.4/h", "https://172.31.255.255/h", "https://192.168.1.1/h", "https://127.0.0.1/h", "https://127.8.9.10/h",
  "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/h", "https://0.0.0.0/h", "https://224.0.0.1/h", "https://255.255.255.255/h",
  "https://192.0.2.10/h", "https://198.18.0.1/h",
  // The same loopback in the spellings URL parsers accept: decimal, hex, octal, short forms.
  "https://2130706433/h", "https://0x7f000001/h", "https://0177.0.0.1/h", "https://127.1/h", "https://0x7f.1/h", "https://017700000001/h",
  // IPv6: loopback, unspecified, link-local, unique-local, multicast, site-local, documentation, Teredo.
  "https://[::1]/h", "https://[0:0:0:0:0:0:0:1]/h", "https://[::]/h", "https://[fe80::1]/h", "https://[fc00::1]/h", "https://[fd12:3456::1]/h",
  "https://[ff02::1]/h", "https://[fec0::1]/h", "https://[2001:db8::1]/h", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/h",
  // IPv6 forms that carry a private IPv4 address: mapped, mapped in hex, SIIT, compatible, NAT64, 6to4.
  "https://[::ffff:127.0.0.1]/h", "https://[::ffff:7f00:1]/h", "https://[::ffff:169.254.169.254]/h", "https://[::ffff:0:10.0.0.1]/h",
  "https://[::10.0.0.1]/h", "https://[64:ff9b::192.168.0.1]/h", "https://[2002:c0a8:0101::1]/h", "https://[2002:7f00:1::]/h",
  // Names that never name a public host.
  "https://localhost/h", "https://LOCALHOST./h", "https://api.localhost/h", "https://printer.local/h", "https://db.internal/h", "https://intranet/h",
  "https://router.home.arpa/h",
  // Empty labels: two trailing dots keep the parser from reading an IPv4 address, and hide a local suffix.
  "https://localhost../h", "https://127.0.0.1../h", "https://127.0.0.1%2e%2e/h", "https://metadata.google.internal../h", "https://foo.local../h",
  "https://a..example.com/h",
  // Ports other than HTTPS's: a subscription must not probe a host's other services.
  "https://example.com:22/h", "https://example.com:6379/h", "https://example.com:8080/h", "https://93.184.216.34:25/h",
  // Not https, credentials, not a URL.
  "http://example.com/h", "ftp://example.com/h", "https://user:pass@example.com/h", "not a url", "javascript:alert(1)",
  // The sandbox origin outside sandbox mode.
  `${env.SANDBOX_ORIGIN}/sandbox/webhook-receiver/x`,
];

const ALLOWED = [
  "https://example.com/hooks/dhanam", "https://hooks.example.org:8443/x?y=1", "https://example.com:443/h", "https://example.com:2053/h", "https://93.184.216.34/h", "https://8.8.8.8/h",
  "https://[2606:4700:4700::1111]/h", "https://[::ffff:8.8.8.8]/h", "https://[2002:0808:0808::1]/h", "https://172.32.0.1/h", "https://100.128.0.1/h",
];

describe("the URL rules", () => {
  it("refuse private, loopback and link-local targets in every spelling, and allow public https", () => {
    const wronglyAllowed = REFUSED.filter((u) => webhookUrlProblem(production, u) === null);
    expect(wronglyAllowed).toEqual([]);
    const wronglyRefused = ALLOWED.map((u) => [u, webhookUrlProblem(production, u)]).filter(([, p]) => p !== null);
    expect(wronglyRefused).toEqual([]);
  });

  it("allow plain http://localhost and http://127.0.0.1 in development only, and the sandbox receiver in sandbox mode only", () => {
    for (const u of ["http://localhost:3000/hook", "http://127.0.0.1:9000/hook", "http://localhost/"]) {
      expect(webhookUrlProblem(development, u)).toBeNull();
      expect(webhookUrlProblem(production, u)).not.toBeNull();
    }
    // Only those two: other loopback and private forms stay refused in development.
    // (http://2130706433/ is 127.0.0.1 once parsed, so it is allowed there like 127.0.0.1.)
    for (const u of ["http://[::1]/h", "http://127.0.0.2/h", "http://10.0.0.1/h", "http://example.com/h", "https://169.254.169.254/h", "http://api.localhost/h"]) {
      expect([u, webhookUrlProblem(development, u)]).not.toEqual([u, null]);
    }
    const sandbox = { ...production, PROVIDER_MODE: "sandbox" } as Env;
    expect(webhookUrlProblem(sandbox, `${env.SANDBOX_ORIGIN}/sandbox/webhook-receiver/x`)).toBeNull();
    // The sandbox origin serves the whole app in-process: only its receiver may be subscribed.
    for (const path of ["/v1/auth/register", "/v1/providers/plaid/webhook", "/sandbox/plaid/item/get"]) {
      expect(webhookUrlProblem(sandbox, `${env.SANDBOX_ORIGIN}${path}`), path).toMatch(/Only \/sandbox\/webhook-receiver\//);
    }
  });

  it("are stored as they are called: a URL's canonical form, not its spelling", async () => {
    const { owner, spaceId } = await adminSpace();
    const r = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: "http://LOCALHOST:9877/Hook", events: ["transaction.created"] } });
    expect(r.status).toBe(201);
    expect(r.body.url).toBe("http://localhost:9877/Hook");
    const patched = await callJson(`/v1/webhooks/${r.body.id}`, { ...as(owner), method: "PATCH", body: { url: "http://127.0.0.1:9877" } });
    expect(patched.body.url).toBe("http://127.0.0.1:9877/");
    // Checked as stored: a URL that percent-encoding makes too long is refused, not saved to fail every delivery.
    const long = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url: `https://hooks.acme.io/${"é".repeat(1000)}`, events: ["transaction.created"] } });
    expect(long.status).toBe(422);
    expect(long.body.error.details[0]).toMatchObject({ field: "url", code: "URL_NOT_ALLOWED" });
  });

  it("are applied at creation through the API (the tests run with ENVIRONMENT=development)", async () => {
    const { owner, spaceId } = await adminSpace();
    for (const url of ["https://10.0.0.1/h", "https://[::ffff:169.254.169.254]/h", "https://printer.local/h", "http://example.com/h", "https://0x0a000001/h"]) {
      const r = await callJson("/v1/webhooks", { ...as(owner), body: { spaceId, url, events: ["transaction.created"] } });
      expect([url, r.status, r.body.error?.details?.[0]?.code]).toEqual([url, 422, "URL_NOT_ALLOWED"]);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it("are applied again at delivery: a URL that became disallowed is never called", async () => {
    const { owner, spaceId } = await adminSpace();
    const clock = manualClock();
    const svc = servicesAt(clock);

    // A row whose URL no longer passes (written before a rule existed, or by hand).
    const hook = await createWebhook(owner, spaceId);
    await env.DB.prepare("UPDATE webhook_subscriptions SET url = ? WHERE id = ?").bind("https://169.254.169.254/latest/meta-data", hook.id).run();
    const [id] = await fanOut(svc, await outboxRow(spaceId, "transaction.created", { n: 1 }));
    const r = await deliverAttempt(svc, id!, 0);
    expect(r.outcome).toBe("blocked");
    expect(r.error).toMatch(/^URL not allowed: 169\.254\.169\.254 is in 169\.254\.0\.0\/16/);
    // Not retried, logged, counted in the failure run; the receiver got nothing.
    expect(await deliveryRow(id!)).toMatchObject({ status: "failed", attempts: 1, response_status: null, next_attempt_at: null });
    expect((await subscriptionRow(hook.id))!.consecutive_failures).toBe(1);
    expect(await inbox(hook.inbox)).toHaveLength(0);

    // A local receiver allowed in development, delivered in production: refused there.
    const local = await createWebhook(owner, spaceId, { url: "http://127.0.0.1:1/hook", events: ["lifebeat.escalated"] });
    const prod = servicesAt(clock, { ENVIRONMENT: "production" });
    const [id2] = await fanOut(prod, await outboxRow(spaceId, "lifebeat.escalated", { n: 2 }));
    const r2 = await deliverAttempt(prod, id2!, 0);
    expect(r2.outcome).toBe("blocked");
    expect(r2.error).toBe("URL not allowed: URL must use https");
    const log = await callJson(`/v1/webhooks/${local.id}/deliveries`, as(owner));
    expect(log.body.deliveries[0]).toMatchObject({ status: "failed", lastError: "URL not allowed: URL must use https", attemptLog: [{ attempt: 1, responseStatus: null }] });
  });
});
