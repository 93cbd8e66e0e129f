/**
 * Outbound HTTP to third parties (providers, price and rate feeds, email/SMS,
 * webhook receivers). Every client takes an `Outbound` instead of calling the
 * global `fetch`, so that in sandbox mode a request addressed to
 * `SANDBOX_ORIGIN` is answered by this Worker's own simulator routes
 * (`/sandbox/...`) in-process: the real client code builds the real request
 * (URL, headers, signature, body) and parses the real response, with no
 * network and no stub in between. Anything else goes to the network.
 */
export type Outbound = (request: Request) => Promise<Response>;

type SandboxHandler = (request: Request, env: Env) => Response | Promise<Response>;

let sandboxHandler: SandboxHandler | undefined;

/** Called once by the Worker entry with the app's fetch (avoids lib → app imports). */
export function registerSandboxHandler(handler: SandboxHandler): void {
  sandboxHandler = handler;
}

/** True when `url` is addressed to the in-process simulators (sandbox mode only). */
export function isSandboxUrl(env: Env, url: string): boolean {
  if (env.PROVIDER_MODE !== "sandbox") return false;
  try {
    return new URL(url).origin === new URL(env.SANDBOX_ORIGIN).origin;
  } catch {
    return false;
  }
}

export function outbound(env: Env): Outbound {
  return async (request) => {
    if (isSandboxUrl(env, request.url)) {
      if (!sandboxHandler) throw new Error("Sandbox handler not registered");
      return sandboxHandler(request, env);
    }
    return fetch(request);
  };
}
