/**
 * Outbound HTTP to third parties (providers, price and rate feeds, email/SMS,
 * webhook receivers). Every client takes an `Outbound` instead of calling the
 * global `fetch`, so that in sandbox mode a request addressed to
 * `SANDBOX_ORIGIN` is answered by this Worker's own simulator routes
 * (`/sandbox/...`) in-process: the real client code builds the real request
 * (URL, headers, signature, body) and parses the real response, with no
 * network and no stub in between. Anything else goes to the network.
 *
 * Every request has a deadline (OUTBOUND_TIMEOUT_MS, 30 s unless the deployment says otherwise; a client's own
 * shorter signal still stands): a third party that holds a request open, before its answer or in the middle of its
 * body, fails it with OutboundTimeout then, instead of holding the caller (a sync, a webhook, a request) until the
 * platform's own limit. An answer's body is read up to MAX_ANSWER_BYTES, and fails with AnswerTooLarge past it.
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

/** The deadline of an outbound request when the deployment names none. */
export const DEFAULT_OUTBOUND_TIMEOUT_MS = 30_000;

/** The deployment's deadline for one outbound request (OUTBOUND_TIMEOUT_MS: a positive whole number of ms, at most 10 minutes). */
export function outboundTimeoutMs(env: Pick<Env, "OUTBOUND_TIMEOUT_MS">): number {
  const n = Number(env.OUTBOUND_TIMEOUT_MS);
  return Number.isSafeInteger(n) && n > 0 && n <= 600_000 ? n : DEFAULT_OUTBOUND_TIMEOUT_MS;
}

/** "30 s", "0.25 s": a deadline as the messages say it. */
export const inSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** A request that did not finish (its answer and its body) within its deadline. */
export class OutboundTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${inSeconds(timeoutMs)}`);
    this.name = "TimeoutError";
  }
}

/**
 * The most of one answer read (16 MiB): a provider's largest page (Belvo's 1,000 transactions, Plaid's 500) is a few
 * MiB; an answer that goes on past this (a compromised or broken third party) would otherwise be read whole into the
 * isolate's 128 MB and fail the Worker, not the request.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The error reading an answer's body fails with past MAX_ANSWER_BYTES: each client's handling of a body it could not read takes it. */
export class AnswerTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`answered with a body over ${maxBytes / 1024 / 1024} MiB, not read`);
    this.name = "AnswerTooLarge";
  }
}

/** True for the error of a request stopped by its deadline: ours, or a client's own `AbortSignal.timeout`. */
export function isTimeout(err: unknown): boolean {
  return err instanceof OutboundTimeout || (err instanceof Error && err.name === "TimeoutError");
}

/** The ms a timed-out request waited, when known (ours), else undefined. */
export const timeoutOf = (err: unknown): number | undefined => (err instanceof OutboundTimeout ? err.timeoutMs : undefined);

export function outbound(env: Env, timeoutMs = outboundTimeoutMs(env), maxBytes = MAX_ANSWER_BYTES): Outbound {
  return async (request) => {
    const deadline = new AbortController();
    // Our deadline both aborts the request (the network's fetch stops, and so does its body) and ends the wait for it
    // (`expired`): the in-process simulators do not stop on the signal, so the race bounds them as fetch is bounded.
    let expire: (err: Error) => void = () => undefined;
    const expired = new Promise<never>((_, reject) => (expire = reject));
    expired.catch(() => undefined);
    const timer = setTimeout(() => {
      const err = new OutboundTimeout(timeoutMs);
      deadline.abort(err);
      expire(err);
    }, timeoutMs);
    // The caller's own signal (a shorter timeout, a cancellation) still aborts the request, as it always did: the
    // network's fetch fails with its reason, and a simulator answers as it chooses to (a webhook receiver's 504).
    const own = request.signal;
    const onOwn = () => deadline.abort(own.reason);
    if (own.aborted) onOwn();
    else own.addEventListener("abort", onOwn, { once: true });
    const done = () => {
      clearTimeout(timer);
      own.removeEventListener("abort", onOwn);
    };
    try {
      const sent = new Request(request, { signal: deadline.signal });
      const res = await Promise.race([isSandboxUrl(env, request.url) ? sandbox(sent, env) : fetch(sent), expired]);
      if (!res.body || NULL_BODY_STATUSES.has(res.status)) {
        done();
        return res;
      }
      // The body is bounded by the same deadline (a provider that sends its headers and then holds the rest), and the
      // timer ends with it, read to its end or cancelled.
      // So is its size (maxBytes): past it, the read fails as a body cut short does.
      const reader = res.body.getReader();
      let read = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const chunk = await Promise.race([reader.read(), expired]);
            if (chunk.done) {
              done();
              controller.close();
              return;
            }
            read += chunk.value.byteLength;
            if (read > maxBytes) throw new AnswerTooLarge(maxBytes);
            controller.enqueue(chunk.value);
          } catch (err) {
            done();
            reader.cancel(err).catch(() => undefined);
            controller.error(err);
          }
        },
        cancel(reason) {
          done();
          return reader.cancel(reason);
        },
      });
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (err) {
      done();
      throw err;
    }
  };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A simulator's answer, after a turn of the event loop (a timer), as a network request would wait for one. Without it
 * a long run of in-process calls never waits on real I/O under `wrangler dev`: D1 and the Durable Objects answer from
 * the same workerd process, so a sync reading ~1,500 Plaid pages kept the process's only thread for its 10 s and no
 * socket was read meanwhile. Every other request (another space's, GET /v1/health) hung until the sync ended and then
 * failed with wrangler's 503 "Your worker restarted mid-request", and miniflare's local queue stopped delivering for
 * good (its broker's log call went out on a loopback connection closed meanwhile, and threw before the broker cleared
 * its pending flush). One timer per page costs ~nothing; a deployed Worker (real I/O) never starved this way.
 */
async function sandbox(request: Request, env: Env): Promise<Response> {
  if (!sandboxHandler) throw new Error("Sandbox handler not registered");
  await new Promise((resolve) => setTimeout(resolve, 0));
  return sandboxHandler(request, env);
}
