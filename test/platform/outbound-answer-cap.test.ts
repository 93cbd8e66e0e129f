/**
 * A third party's answer is read up to MAX_ANSWER_BYTES (lib/outbound.ts): one that goes on past it (a compromised or
 * broken provider) fails its read with AnswerTooLarge, stops being pulled, and each client reports it as an answer it
 * could not read, never a 500 nor the isolate's memory.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { AnswerTooLarge, MAX_ANSWER_BYTES, outbound, registerSandboxHandler } from "../../src/lib/outbound";
import { ApiError } from "../../src/lib/errors";
import { getJson } from "../../src/providers/http";
import { ProviderError, readJson } from "../../src/providers/errors";

const CHUNK = 64 * 1024;

/** A simulator answering `bytes` of JSON-looking text in 64 KiB chunks, counting the chunks pulled. */
function answering(bytes: number) {
  const seen = { pulled: 0 };
  registerSandboxHandler(() => {
    let left = bytes;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left <= 0) return controller.close();
        const n = Math.min(CHUNK, left);
        left -= n;
        seen.pulled++;
        controller.enqueue(new Uint8Array(n).fill(0x20));
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  });
  return seen;
}

const url = `${env.SANDBOX_ORIGIN}/sandbox/anything`;

afterEach(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

describe("an answer past what is read", () => {
  it("reads an answer up to the cap whole, and fails one past it without pulling the rest", async () => {
    answering(1000);
    expect((await (await outbound(env, 30_000, 1000)(new Request(url))).text()).length).toBe(1000);
    const seen = answering(10 * CHUNK);
    const err = await (await outbound(env, 30_000, 2 * CHUNK)(new Request(url))).text().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnswerTooLarge);
    // Stopped at the chunk that went past (a stream may pull one ahead), not read to the end.
    expect(seen.pulled).toBeLessThanOrEqual(4);
  });

  it("is each client's answer it could not read: a provider sync's transient INVALID_RESPONSE, a valuation's 502", async () => {
    const seen = answering(MAX_ANSWER_BYTES + 10 * CHUNK);
    const plaid = await readJson("plaid", await outbound(env)(new Request(url))).catch((e: unknown) => e);
    expect(plaid).toBeInstanceOf(ProviderError);
    expect(plaid).toMatchObject({ status: 0, code: "INVALID_RESPONSE" });
    expect((plaid as Error).message).toContain("over 16 MiB");
    expect(seen.pulled).toBeLessThanOrEqual(MAX_ANSWER_BYTES / CHUNK + 3);

    answering(MAX_ANSWER_BYTES + CHUNK);
    const zillow = await getJson(outbound(env), "Zillow", url, {}).catch((e: unknown) => e);
    expect(zillow).toBeInstanceOf(ApiError);
    expect(zillow).toMatchObject({ status: 502, code: "PROVIDER_ERROR" });
    expect((zillow as Error).message).toBe("Zillow: answered with a body over 16 MiB, not read");
  });
});
