/**
 * An upload whose client went quiet mid-body (upload-claim.ts). QA cut a streamed PUT off a second in: the Worker saw
 * its body neither end nor fail, and the link answered 409 until it expired. Now the claim is renewed by the bytes as
 * they arrive; one idle for CLAIM_IDLE_MS is taken over by the link's next PUT, and the quiet request, should it ever
 * speak again, stops at its next chunk without touching what its successor stored. (test/browser has the same through
 * a real client that aborts.)
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cleanupPendingUploads, receiveUpload } from "../../src/modules/documents/service";
import { CLAIM_BEAT_MS, CLAIM_IDLE_MS } from "../../src/modules/documents/upload-claim";
import { ApiError } from "../../src/lib/errors";
import { createSpace, eventually, registerUser } from "../helpers";
import { createAsset } from "../assets/helpers";
import { docRow, svcAt, uploadUrl } from "./helpers";

/** A request body the test feeds chunk by chunk, never ending unless told. */
function feeder() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    body, push: (text: string) => controller.enqueue(new TextEncoder().encode(text)), end: () => controller.close(),
    fail: () => controller.error(new Error("connection reset")),
  };
}

const request = (body: ReadableStream<Uint8Array> | string) =>
  new Request("http://api.test/v1/uploads/x", { method: "PUT", headers: { "content-type": "text/plain" }, body, ...(typeof body === "string" ? {} : { duplex: "half" }) } as RequestInit);

const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * Until the request streaming into `docId` holds its claim as of `at` or later (taken, or renewed by a chunk), then a
 * moment for the chunk it was given to pass. A fixed 50 ms was not always enough on a loaded machine: the clock moved
 * on before the claim was written, and the intruder took a link nobody held yet (or a young claim was renewed late).
 */
const claimedSince = async (docId: string, at: number) => {
  await eventually(async () => {
    const row = await docRow(docId);
    return row?.status === "uploading" && row.claimed_at >= at;
  });
  await settle();
};

/** A new user's worker-signed link for a text file, and its token. */
async function textUploadLink(filename: string) {
  const u = await registerUser();
  const space = await createSpace(u);
  const asset = await createAsset(u, space.id);
  const issued = (await uploadUrl(u, asset.id, { filename, contentType: "text/plain" })).body;
  return { issued, token: new URL(issued.uploadUrl).pathname.split("/").pop()! };
}

describe("an upload whose client went quiet", () => {
  it("keeps its claim while it is young; once idle, the link's next PUT takes over and the quiet one stops at its next chunk", { timeout: 60_000 }, async () => {
    const { issued, token } = await textUploadLink("deed.txt");
    let now = Date.now();
    const svc = { ...svcAt(0), clock: { now: () => now } };

    // The first PUT claims the document and streams a chunk; then its client goes quiet.
    const quiet = feeder();
    const first = receiveUpload(svc, token, request(quiet.body)).then((r) => ({ ok: r }), (e: unknown) => ({ err: e }));
    quiet.push("first client's bytes ");
    await claimedSince(issued.documentId, now);
    expect((await docRow(issued.documentId))).toMatchObject({ status: "uploading", claimed_at: now });
    const claimedAt = now;

    // A retry while the claim is young is the 409 a concurrent PUT gets.
    now = claimedAt + CLAIM_IDLE_MS - 1;
    await expect(receiveUpload(svc, token, request("too soon"))).rejects.toMatchObject({ status: 409, code: "TOKEN_ALREADY_USED" });

    // Idle for CLAIM_IDLE_MS: the next PUT takes the claim over and stores its file.
    now = claimedAt + CLAIM_IDLE_MS;
    const second = await receiveUpload(svc, token, request("the deed"));
    expect(second).toMatchObject({ documentId: issued.documentId, status: "uploaded", size: 8 });

    // The quiet one speaks again: its claim is no longer its own, so it stops before passing the chunk on.
    now += CLAIM_BEAT_MS;
    quiet.push("more");
    const outcome = await first;
    expect("err" in outcome && outcome.err instanceof ApiError && outcome.err.status === 409 && outcome.err.code === "TOKEN_ALREADY_USED").toBe(true);
    // What the successor stored stands: the row and the object are the second PUT's.
    const row = await docRow(issued.documentId);
    expect(row).toMatchObject({ status: "uploaded", size: 8 });
    expect(await (await env.DOCS.get(row!.r2_key))!.text()).toBe("the deed");
  });

  it("renews its claim as its bytes arrive, so a slow upload that keeps sending is never taken over", { timeout: 60_000 }, async () => {
    const { issued, token } = await textUploadLink("slow.txt");
    let now = Date.now();
    const svc = { ...svcAt(0), clock: { now: () => now } };
    const slow = feeder();
    const upload = receiveUpload(svc, token, request(slow.body));
    // A chunk every CLAIM_BEAT_MS for a minute: four times the idle bound, and never idle for it.
    let sent = "";
    for (let i = 0; i < 12; i++) {
      slow.push(`chunk ${i};`);
      sent += `chunk ${i};`;
      await claimedSince(issued.documentId, now);
      now += CLAIM_BEAT_MS;
      await expect(receiveUpload(svc, token, request("intruder"))).rejects.toMatchObject({ status: 409 });
    }
    slow.end();
    expect(await upload).toMatchObject({ status: "uploaded", size: sent.length });
    const row = await docRow(issued.documentId);
    expect(await (await env.DOCS.get(row!.r2_key))!.text()).toBe(sent);
  });

  it.each([["ends", false], ["fails (a reset connection)", true]] as const)("a quiet request whose body %s after the takeover (no chunk after it) touches nothing of its successor's", { timeout: 60_000 }, async (_, fails) => {
    const { issued, token } = await textUploadLink("ends-late.txt");
    let now = Date.now();
    const svc = { ...svcAt(0), clock: { now: () => now } };
    // All of the first request's bytes arrive, then it goes quiet without ending its body.
    const quiet = feeder();
    const first = receiveUpload(svc, token, request(quiet.body)).then((r) => ({ ok: r }), (e: unknown) => ({ err: e }));
    quiet.push("x".repeat(4000));
    await claimedSince(issued.documentId, now);
    now += CLAIM_IDLE_MS;
    expect(await receiveUpload(svc, token, request("B"))).toMatchObject({ status: "uploaded", size: 1 });
    // Its body ends (or fails) now: its write is refused as its claim's (a 409 when it ended), and the successor's
    // file and size stand.
    now += 1;
    if (fails) quiet.fail();
    else quiet.end();
    const outcome = await first;
    expect("err" in outcome).toBe(true);
    if (!fails) expect("err" in outcome && outcome.err instanceof ApiError && outcome.err.status === 409).toBe(true);
    const row = await docRow(issued.documentId);
    expect(row).toMatchObject({ status: "uploaded", size: 1 });
    expect(await (await env.DOCS.get(row!.r2_key))!.text()).toBe("B");
    // Each claim wrote its own object; only the successor's is there.
    const listed = await env.DOCS.list({ prefix: row!.r2_key.split("~")[0] });
    expect(listed.objects.map((o) => o.key)).toEqual([row!.r2_key]);
  });

  it("is cleaned up by the hourly cron only once its claim is idle: an upload still streaming past its link's expiry is kept", { timeout: 60_000 }, async () => {
    const { issued } = await textUploadLink("long.txt");
    const longAgo = Date.now() - 3 * 3_600_000;
    const setRow = (claimedAt: number) =>
      env.DB.prepare("UPDATE asset_documents SET status = 'uploading', claimed_at = ?, expires_at = ? WHERE id = ?").bind(claimedAt, longAgo, issued.documentId).run();
    // Expired hours ago but renewed a second ago: still streaming, kept.
    await setRow(Date.now() - 1000);
    await cleanupPendingUploads(svcAt(Date.now()));
    expect(await docRow(issued.documentId)).toMatchObject({ status: "uploading" });
    // Idle past CLAIM_IDLE_MS: its request died, and it goes.
    await setRow(Date.now() - CLAIM_IDLE_MS - 1000);
    await cleanupPendingUploads(svcAt(Date.now()));
    expect(await docRow(issued.documentId)).toBeNull();
  });
});
