/**
 * Tests against a real `wrangler dev`: a document uploaded straight to the Worker from Chromium, an abandoned upload,
 * an oversized chunked body, and the offline API reference.
 *
 * Headless Chromium (Debian's `chromium`, driven by playwright-core through its
 * executable path) opens a small page served on one origin. The page asks the
 * API, on another origin (another port: CORS and its preflights apply), for an
 * upload URL, then PUTs the file the user picked with `fetch`. The test then
 * downloads it through the signed download URL from the document list and
 * compares bytes. The API is `wrangler dev` on a fresh local state directory,
 * with CORS_ORIGINS set to the page's origin only.
 *
 * No Chromium is a failure, never a skip: set CHROMIUM_PATH or install it
 * (`apt-get install -y chromium`).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, readinessGate } from "../../scripts/readiness-gate.mjs";
import { wranglerSpawn, wranglerSync } from "../../scripts/wrangler.mjs";

const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => Boolean(p && existsSync(p)));

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Dhanam upload</title></head>
<body>
<input type="file" id="file">
<pre id="out"></pre>
<script>
  // Asks the API (another origin) for an upload URL, then PUTs the picked file to it.
  window.uploadPicked = async function (api, accessToken, assetId) {
    const file = document.getElementById("file").files[0];
    const issued = await fetch(api + "/v1/assets/" + assetId + "/documents/upload-url", {
      method: "POST",
      headers: { "Authorization": "Bearer " + accessToken, "Content-Type": "application/json" },
      body: JSON.stringify({ filename: file.name, contentType: file.type, category: "appraisal" }),
    });
    const ticket = await issued.json();
    if (!issued.ok) return { step: "upload-url", status: issued.status, body: ticket };
    const put = await fetch(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: file });
    const stored = await put.json();
    document.getElementById("out").textContent = JSON.stringify(stored);
    return { step: "done", status: put.status, documentId: ticket.documentId, uploadUrl: ticket.uploadUrl, stored };
  };
</script>
</body></html>`;

let server;
let worker;
let browser;
let stateDir;
let api;
let pageOrigin;

async function waitForHealth(url, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null) throw new Error(`wrangler dev exited with ${worker.exitCode}`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become healthy`);
}

beforeAll(async () => {
  if (!CHROMIUM) throw new Error("Chromium not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH");
  const pagePort = await freePort();
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  server = createServer((req, res) => {
    if (req.url === "/" || req.url?.startsWith("/?")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    } else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(pagePort, "127.0.0.1", r));

  stateDir = mkdtempSync(join(tmpdir(), "dhanam-browser-"));
  const migrate = wranglerSync(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { stdio: ["ignore", "ignore", "inherit"] });
  if (migrate.status !== 0) throw new Error("applying D1 migrations failed");
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  worker = wranglerSpawn([
    "dev", "--port", String(apiPort), "--ip", "127.0.0.1", "--persist-to", stateDir, "--show-interactive-dev-session=false",
    "--var", `CORS_ORIGINS:${pageOrigin}`,
    "--var", "JWT_SECRET:browser-test-jwt-secret-0123456789abcdefghij",
    "--var", "ENCRYPTION_KEY:YnJvd3Nlci10ZXN0LWVuY3J5cHRpb24ta2V5LTMyYnk=",
    "--var", "LOG_LEVEL:error",
  ], { stdio: ["ignore", "ignore", "inherit"] });
  await waitForHealth(api);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
});

afterAll(async () => {
  await browser?.close();
  if (worker && worker.exitCode === null) {
    worker.kill("SIGTERM");
    await new Promise((r) => { worker.once("exit", r); setTimeout(r, 5000); });
  }
  await new Promise((r) => server?.close(r));
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function json(method, path, body, token) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), "cf-connecting-ip": "203.0.113.9" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const sha256 = (b) => createHash("sha256").update(b).digest("hex");

describe("browser upload", () => {
  it("Chromium on one origin uploads to the API on another, and the signed download returns the same bytes", async () => {
    const email = `browser-${Date.now()}@example.com`;
    const reg = await json("POST", "/v1/auth/register", { name: "Browser", email, password: "correct horse battery", locale: "en" });
    expect(reg.status).toBe(201);
    const token = reg.body.tokens.accessToken;
    const space = await json("POST", "/v1/spaces", { name: "Home", type: "personal", currency: "USD" }, token);
    const asset = await json("POST", "/v1/assets", { spaceId: space.body.id, name: "Family Home", type: "real_estate", currency: "USD", value: "850000.00" }, token);
    expect(asset.status).toBe(201);

    // 300 KiB of deterministic, non-text bytes.
    const file = new Uint8Array(300 * 1024);
    for (let i = 0, x = 42; i < file.length; i++) file[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;

    const page = await browser.newPage();
    const corsSeen = [];
    page.on("response", (r) => {
      if (r.url().startsWith(api)) corsSeen.push(`${r.request().method()} ${r.status()} ${r.headers()["access-control-allow-origin"] ?? "-"}`);
    });
    await page.goto(pageOrigin);
    await page.setInputFiles("#file", { name: "Avalúo 2025.pdf", mimeType: "application/pdf", buffer: Buffer.from(file) });
    const result = await page.evaluate(([a, t, id]) => window.uploadPicked(a, t, id), [api, token, asset.body.id]);
    expect(result, JSON.stringify(result)).toMatchObject({ step: "done", status: 200, stored: { status: "uploaded", size: file.length } });
    // The browser's cross-origin requests were answered for the page's origin.
    expect(corsSeen).toEqual([`POST 201 ${pageOrigin}`, `PUT 200 ${pageOrigin}`]);

    // The same page from an origin not in CORS_ORIGINS (localhost instead of 127.0.0.1) cannot read the API's answers.
    const other = await browser.newPage();
    await other.goto(pageOrigin.replace("127.0.0.1", "localhost"));
    const blocked = await other.evaluate(async (a) => {
      try {
        await fetch(a + "/v1/health", { headers: { "content-type": "application/json" } });
        return "readable";
      } catch {
        return "blocked";
      }
    }, api);
    expect(blocked).toBe("blocked");
    await other.close();
    await page.close();

    const docs = await json("GET", `/v1/assets/${asset.body.id}/documents`, undefined, token);
    expect(docs.body.documents).toHaveLength(1);
    const doc = docs.body.documents[0];
    expect(doc).toMatchObject({ id: result.documentId, filename: "Avalúo 2025.pdf", status: "uploaded", size: file.length, contentType: "application/pdf" });
    const dl = await fetch(doc.downloadUrl);
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-disposition")).toBe(`attachment; filename="Aval_o 2025.pdf"; filename*=UTF-8''Aval%C3%BAo%202025.pdf`);
    const back = new Uint8Array(await dl.arrayBuffer());
    expect(back.length).toBe(file.length);
    expect(sha256(back)).toBe(sha256(file));

    // The upload URL worked once.
    const reuse = await fetch(result.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body: file });
    expect(reuse.status).toBe(409);
    // The refusal was answered before its body was read; the connection it came on still serves the next request
    // (undici reuses it). Before the Worker read refused bodies, local workerd left that connection hanging.
    const next = await fetch(`${api}/v1/health`, { signal: AbortSignal.timeout(15_000) });
    expect(next.status).toBe(200);
  });
});

describe("an upload the client abandons", () => {
  it("gives its link back: the same URL takes the file again once the request has gone quiet, and one document is stored", async () => {
    // Through the gate `npm run dev` puts in front of wrangler (where QA saw it): a client that goes away mid-body is
    // then a request whose body neither ends nor fails, as a phone that lost its signal is. (Straight to wrangler dev,
    // its proxy ends the body instead, and the bytes sent so far are stored.)
    const port = await freePort();
    const gate = await readinessGate({ port, target: api });
    gate.open();
    const via = `http://127.0.0.1:${port}`;
    const call = async (method, path, body, token) => {
      const res = await fetch(`${via}${path}`, {
        method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), "cf-connecting-ip": "203.0.113.10" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    try {
      const reg = await call("POST", "/v1/auth/register", { name: "Abandon", email: `abandon-${Date.now()}@example.com`, password: "correct horse battery", locale: "en" });
      const token = reg.body.tokens.accessToken;
      const space = await call("POST", "/v1/spaces", { name: "Home", type: "personal", currency: "USD" }, token);
      const asset = await call("POST", "/v1/assets", { spaceId: space.body.id, name: "Flat", type: "real_estate", currency: "USD", value: "100000.00" }, token);
      const ticket = await call("POST", `/v1/assets/${asset.body.id}/documents/upload-url`, { filename: "deed.txt", contentType: "text/plain" }, token);
      expect(ticket.status).toBe(201);
      expect(ticket.body.uploadUrl.startsWith(`${via}/v1/uploads/`)).toBe(true);
      // A body streamed without a length, cut off by the client a second in.
      const cut = new AbortController();
      const chunk = new TextEncoder().encode("x".repeat(65536));
      const endless = new ReadableStream({ async pull(c) { c.enqueue(chunk); await new Promise((r) => setTimeout(r, 50)); } });
      setTimeout(() => cut.abort(), 1000);
      await expect(fetch(ticket.body.uploadUrl, { method: "PUT", headers: { "content-type": "text/plain" }, body: endless, duplex: "half", signal: cut.signal })).rejects.toThrow();
      // Until its claim has been idle for CLAIM_IDLE_MS (15 s) a retry is the 409 a concurrent PUT gets; then it is stored.
      const put = () => fetch(ticket.body.uploadUrl, { method: "PUT", headers: { "content-type": "text/plain" }, body: "the deed" });
      const started = Date.now();
      expect((await put()).status).toBe(409);
      let retry;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        retry = await put();
        if (retry.status !== 409 || Date.now() - started > 40_000) break;
      }
      expect(retry.status, await retry.clone().text()).toBe(200);
      expect(Date.now() - started).toBeGreaterThan(12_000);
      expect(await retry.json()).toMatchObject({ documentId: ticket.body.documentId, status: "uploaded", size: 8 });
      const docs = await call("GET", `/v1/assets/${asset.body.id}/documents`, undefined, token);
      expect(docs.body.documents.map((d) => [d.id, d.status, d.size])).toEqual([[ticket.body.documentId, "uploaded", 8]]);
      expect(await (await fetch(docs.body.documents[0].downloadUrl)).text()).toBe("the deed");
      // And used now: the link takes nothing more.
      expect((await put()).status).toBe(409);
    } finally {
      await gate.close();
    }
  });
});

describe("an oversized chunked JSON body", () => {
  it("is a 413 that leaves wrangler dev answering the next request at once", async () => {
    // Hono's bodyLimit answered it with the rest of the body unread, and local workerd then held the next request,
    // from any client, for minutes (QA 12-C saw 302 s). The body is streamed, so fetch sends it chunked.
    const reg = await json("POST", "/v1/auth/register", { name: "Big", email: `big-${Date.now()}@example.com`, password: "correct horse battery", locale: "en" });
    const token = reg.body.tokens.accessToken;
    const big = new TextEncoder().encode(JSON.stringify({ name: "x".repeat(1_100_000), type: "personal", currency: "USD" }));
    const chunks = [];
    for (let i = 0; i < big.length; i += 65536) chunks.push(big.subarray(i, i + 65536));
    const body = new ReadableStream({ pull(c) { const next = chunks.shift(); if (next) c.enqueue(next); else c.close(); } });
    const res = await fetch(`${api}/v1/spaces`, {
      method: "POST", duplex: "half", body,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "cf-connecting-ip": "203.0.113.11" },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      const health = await fetch(`${api}/v1/health`, { signal: AbortSignal.timeout(8000) });
      expect(health.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const spaces = await json("GET", "/v1/spaces", undefined, token);
    expect([spaces.status, spaces.body]).toEqual([200, []]);
  });

  it("on a GET or HEAD is read away and the request answered as without it (it was a 500)", async () => {
    for (const method of ["GET", "HEAD"]) {
      const status = await new Promise((resolve, reject) => {
        const req = request(`${api}/v1/health`, { method, headers: { "transfer-encoding": "chunked", "content-type": "application/json" } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode));
        });
        req.on("error", reject);
        req.end("{}");
      });
      expect(status, method).toBe(200);
    }
  });
});

describe("the API reference at /docs", () => {
  it("loads in Chromium with no request leaving the Worker's origin, and lists the operations", async () => {
    const page = await browser.newPage();
    const requests = [];
    // Record every request the page makes; any that is not for the Worker itself fails the test below.
    page.on("request", (req) => requests.push(req.url()));
    await page.goto(`${api}/docs`, { waitUntil: "commit", timeout: 60_000 }).catch((e) => { throw new Error(`${e.message}; requests: ${requests.join(", ")}`); });
    await page.waitForSelector(".opblock", { timeout: 120_000 }).catch((e) => { throw new Error(`${e.message}; requests: ${requests.join(", ")}`); });
    // Swagger UI renders the operation list virtually (only the blocks near the viewport exist in the DOM),
    // so scroll through the whole page and collect every operation block that appears on the way.
    const rendered = new Set();
    for (let y = 0; ; y += 400) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      await page.waitForTimeout(40);
      for (const id of await page.locator(".opblock").evaluateAll((els) => els.map((e) => e.id))) rendered.add(id);
      if (y >= (await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight))) break;
    }
    const documented = Object.values((await (await fetch(`${api}/openapi.json`)).json()).paths)
      .flatMap((item) => Object.values(item).filter((op) => op && typeof op === "object" && op.operationId).map((op) => op.operationId));
    expect(documented.length).toBeGreaterThan(100);
    // Block ids are "operations-<tag>-<operationId>": every documented operation is shown, and nothing else.
    const shown = [...rendered].map((id) => documented.find((opId) => id.endsWith(`-${opId}`)) ?? id);
    expect(new Set(shown)).toEqual(new Set(documented));
    expect(rendered.size).toBe(documented.length);
    expect(await page.title()).toContain("Dhanam");
    const outside = requests.filter((u) => !u.startsWith(api) && !u.startsWith("data:"));
    expect(outside).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`${api}/docs/vendor/swagger-ui-bundle.js`, `${api}/docs/vendor/swagger-ui.css`, `${api}/openapi.json`]));
    await page.close();
  });
});
