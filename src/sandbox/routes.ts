/**
 * Deterministic, offline simulators of the third parties the API talks to.
 * Mounted at `/sandbox` and answered only when `PROVIDER_MODE` is "sandbox";
 * clients reach them through `lib/outbound.ts` exactly as they would reach the
 * real services. Each simulator is its own router, mounted below.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { webhookReceiver } from "./webhook-receiver";
import { pricesSandbox } from "./prices";
import { securitiesSandbox } from "./securities";
import { zapperSandbox } from "./zapper";
import { gamingSandbox } from "./gaming";
import { ratesSandbox } from "./rates";
import { realEstateSandbox } from "./real-estate";
import { sneaksSandbox } from "./sneaks";
import { emailSandbox } from "./email";
import { smsSandbox } from "./sms";
import { plaidSandbox } from "./plaid";
import { belvoSandbox } from "./belvo";
import { bitsoSandbox } from "./bitso";

export const sandboxRoutes = new Hono<AppEnv>();

/**
 * Host names that never resolve on the public internet: loopback, `localhost` and the special-use names
 * `.localhost`, `.test` and `.invalid` (RFC 6761; the in-process SANDBOX_ORIGIN is one). A deployed Worker is
 * reached by its public name, so even a deployment left in sandbox mode does not serve the simulators (their
 * outboxes hold every "sent" email, invitation tokens included) to the internet; `npm run deploy` refuses
 * such a configuration in the first place (scripts/deploy.mjs).
 */
function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return [".localhost", ".test", ".invalid"].some((tld) => host.endsWith(tld));
}

sandboxRoutes.use("*", async (c, next) => {
  if (c.env.PROVIDER_MODE !== "sandbox" || !isPrivateHost(new URL(c.req.url).hostname)) {
    return c.json({ error: { code: "RESOURCE_NOT_FOUND", message: "Not found" } }, 404);
  }
  await next();
});

// Simulators (one line each):
sandboxRoutes.route("/webhook-receiver", webhookReceiver);
sandboxRoutes.all("/prices/*", (c) => pricesSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/securities/*", (c) => securitiesSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/zapper/*", (c) => zapperSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/gaming/*", (c) => gamingSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.route("/rates", ratesSandbox);
sandboxRoutes.route("/email", emailSandbox);
sandboxRoutes.route("/sms", smsSandbox);
sandboxRoutes.mount("/real-estate", realEstateSandbox.fetch);
sandboxRoutes.mount("/sneaks", sneaksSandbox.fetch);
sandboxRoutes.all("/plaid/*", (c) => plaidSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/belvo/*", (c) => belvoSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/bitso/*", (c) => bitsoSandbox.fetch(c.req.raw, c.env));
