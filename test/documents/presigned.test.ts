/**
 * R2 presigned S3 URLs with fixed credentials and a fixed clock: the URL's
 * shape (account endpoint, bucket and key in the path, X-Amz-* parameters,
 * content-type and the create-only If-None-Match among the signed headers,
 * content-length too when the size was declared, expiry) and a signature checked by
 * an independent SigV4 computation written here from the AWS specification.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueUploadUrl, listDocuments } from "../../src/modules/documents/service";
import { presignDownload, presignUpload } from "../../src/modules/documents/presign";
import type { S3Config } from "../../src/modules/documents/config";
import { createSpace, registerUser } from "../helpers";
import { createAsset } from "../assets/helpers";
import { authOf, bytesOf, put, svcAt, WHOLE_PAGE } from "./helpers";

const S3: S3Config = { accountId: "0123456789abcdef0123456789abcdef", bucket: "dhanam-docs", accessKeyId: "AKIDR2EXAMPLE0000000", secretAccessKey: "r2-secret-example-0123456789abcdef0123456789" };
const NOW = Date.parse("2025-01-15T10:00:00Z");

const enc = new TextEncoder();
const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
const hmac = async (key: ArrayBuffer | Uint8Array, msg: string) =>
  crypto.subtle.sign("HMAC", await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), enc.encode(msg));
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 query-string signature of `url` for `method` with the given header values, per the AWS specification. */
async function expectedSignature(method: string, url: URL, headers: Record<string, string>, secret: string) {
  const q = [...url.searchParams].filter(([k]) => k !== "X-Amz-Signature").map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join("&");
  const signed = url.searchParams.get("X-Amz-SignedHeaders")!.split(";");
  const all: Record<string, string> = { host: url.host, ...headers };
  const canonicalHeaders = signed.map((h) => `${h}:${all[h]!.trim()}\n`).join("");
  const canonical = [method, url.pathname, q, canonicalHeaders, signed.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const date = url.searchParams.get("X-Amz-Date")!;
  const scope = url.searchParams.get("X-Amz-Credential")!.split("/").slice(1).join("/");
  const toSign = ["AWS4-HMAC-SHA256", date, scope, hex(await crypto.subtle.digest("SHA-256", enc.encode(canonical)))].join("\n");
  let key: ArrayBuffer = await hmac(enc.encode(`AWS4${secret}`), date.slice(0, 8));
  for (const part of ["auto", "s3", "aws4_request"]) key = await hmac(key, part);
  return hex(await hmac(key, toSign));
}

describe("R2 presigned S3 URLs", () => {
  it("upload: account endpoint, bucket and key in the path, content-type and size signed, expiry as configured", async () => {
    const key = "spaces/spc_1/assets/ast_1/doc_1";
    const url = new URL(await presignUpload(S3, key, "application/pdf", NOW, 900, 4321));
    expect(url.origin).toBe("https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com");
    expect(url.pathname).toBe("/dhanam-docs/spaces/spc_1/assets/ast_1/doc_1");
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Credential")).toBe("AKIDR2EXAMPLE0000000/20250115/auto/s3/aws4_request");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20250115T100000Z");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-SignedHeaders")!.split(";")).toEqual(["content-length", "content-type", "host", "if-none-match"]);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const sent = { "content-length": "4321", "content-type": "application/pdf", "if-none-match": "*" };
    expect(url.searchParams.get("X-Amz-Signature")).toBe(await expectedSignature("PUT", url, sent, S3.secretAccessKey));
    // The signature covers the content type: another type would need another signature.
    expect(url.searchParams.get("X-Amz-Signature")).not.toBe(await expectedSignature("PUT", url, { ...sent, "content-type": "image/png" }, S3.secretAccessKey));
    // And the create-only condition: a PUT that would replace the object (any other If-None-Match, or an
    // If-Match) is not the one signed, so the URL cannot write over the document once it has arrived.
    expect(url.searchParams.get("X-Amz-Signature")).not.toBe(await expectedSignature("PUT", url, { ...sent, "if-none-match": '"etag"' }, S3.secretAccessKey));
    // Same inputs, same URL: the clock is the only time source.
    expect((await presignUpload(S3, key, "application/pdf", NOW, 900, 4321))).toBe(url.toString());
    expect(new URL(await presignUpload(S3, key, "application/pdf", NOW + 86_400_000, 900, 4321)).searchParams.get("X-Amz-Date")).toBe("20250116T100000Z");
  });

  it("upload: content-length is signed, so R2 refuses a body of any other size", async () => {
    const key = "spaces/spc_1/assets/ast_1/doc_2";
    const url = new URL(await presignUpload(S3, key, "application/pdf", NOW, 900, 4321));
    expect(url.searchParams.get("X-Amz-SignedHeaders")!.split(";")).toEqual(["content-length", "content-type", "host", "if-none-match"]);
    const sent = { "content-length": "4321", "content-type": "application/pdf", "if-none-match": "*" };
    expect(url.searchParams.get("X-Amz-Signature")).toBe(await expectedSignature("PUT", url, sent, S3.secretAccessKey));
    // A larger (or smaller) body is another Content-Length, which this signature does not cover.
    for (const other of ["4322", "5368709120", "0"]) {
      expect(url.searchParams.get("X-Amz-Signature")).not.toBe(await expectedSignature("PUT", url, { ...sent, "content-length": other }, S3.secretAccessKey));
    }
  });

  it("download: a presigned GET that sets the attachment name and type", async () => {
    const url = new URL(await presignDownload(S3, "spaces/s/assets/a/doc_9", `attachment; filename="a.pdf"`, "application/pdf", NOW, 300));
    expect(url.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(url.searchParams.get("response-content-disposition")).toBe(`attachment; filename="a.pdf"`);
    expect(url.searchParams.get("response-content-type")).toBe("application/pdf");
    expect(url.searchParams.get("X-Amz-Signature")).toBe(await expectedSignature("GET", url, {}, S3.secretAccessKey));
  });

  it("download: the query is in SigV4's own encoding, a space %20 and never '+' (the S3 specification asks for it, and a '+' may be read as itself)", async () => {
    const disposition = `attachment; filename="a+b c (v1)!*'.pdf"; filename*=UTF-8''a%2Bb%20%C3%B1.pdf`;
    const url = await presignDownload(S3, "spaces/s/assets/a/doc_9", disposition, "text/plain", NOW, 300);
    const query = new URL(url).search.slice(1);
    // Nothing but RFC 3986's unreserved characters and percent escapes in a name or a value.
    for (const pair of query.split("&")) expect(pair).toMatch(/^[A-Za-z0-9\-._~%]+=[A-Za-z0-9\-._~%]*$/);
    expect(query).toContain(`response-content-disposition=${rfc3986(disposition)}`);
    expect(query).toContain("response-content-type=text%2Fplain");
    const parsed = new URL(url);
    expect(parsed.searchParams.get("response-content-disposition")).toBe(disposition);
    expect(parsed.searchParams.get("X-Amz-Signature")).toBe(await expectedSignature("GET", parsed, {}, S3.secretAccessKey));
  });

  it("is what upload-url hands out for a declared size when the R2 S3 credentials are configured; the upload is noticed from R2 with its real size", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const vars = { R2_ACCOUNT_ID: S3.accountId, R2_ACCESS_KEY_ID: S3.accessKeyId, R2_SECRET_ACCESS_KEY: S3.secretAccessKey, R2_BUCKET_NAME: S3.bucket } as Partial<Env>;
    const svc = svcAt(NOW, vars);
    const issued = await issueUploadUrl(svc, authOf(u), asset.id, { filename: "deed.pdf", contentType: "application/pdf", size: 4321 }, "http://api.test");
    expect(issued.mode).toBe("s3");
    expect(issued.expiresAt).toBe("2025-01-15T10:15:00.000Z");
    const url = new URL(issued.uploadUrl);
    expect(url.pathname).toBe(`/dhanam-docs/spaces/${space.id}/assets/${asset.id}/${issued.documentId}`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host;if-none-match");
    expect(issued.headers).toEqual({ "Content-Type": "application/pdf", "If-None-Match": "*" });

    let docs = (await listDocuments(svc, authOf(u), asset.id, WHOLE_PAGE, "http://api.test")).documents;
    expect(docs[0]!).toMatchObject({ status: "pending", size: null, downloadUrl: null });
    // What R2 stores when the browser PUTs to that URL.
    await env.DOCS.put(`spaces/${space.id}/assets/${asset.id}/${issued.documentId}`, new Uint8Array(4321), { httpMetadata: { contentType: "application/pdf" } });
    docs = (await listDocuments(svc, authOf(u), asset.id, WHOLE_PAGE, "http://api.test")).documents;
    expect(docs[0]!).toMatchObject({ status: "uploaded", size: 4321 });
    const dl = new URL(docs[0]!.downloadUrl!);
    expect(dl.host).toBe(`${S3.accountId}.r2.cloudflarestorage.com`);
    expect(dl.searchParams.get("X-Amz-Expires")).toBe("300");
    expect(dl.searchParams.get("response-content-disposition")).toBe('attachment; filename="deed.pdf"');
  });

  it("binds the size the request declared: the issued URL signs it, and the headers to send are unchanged", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const vars = { R2_ACCOUNT_ID: S3.accountId, R2_ACCESS_KEY_ID: S3.accessKeyId, R2_SECRET_ACCESS_KEY: S3.secretAccessKey, R2_BUCKET_NAME: S3.bucket } as Partial<Env>;
    const issued = await issueUploadUrl(svcAt(NOW, vars), authOf(u), asset.id, { filename: "deed.pdf", contentType: "application/pdf", size: 2048 }, "http://api.test");
    expect(issued).toMatchObject({ mode: "s3", maxBytes: 2048, headers: { "Content-Type": "application/pdf", "If-None-Match": "*" } });
    const url = new URL(issued.uploadUrl);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host;if-none-match");
    const sent = { "content-length": "2048", "content-type": "application/pdf", "if-none-match": "*" };
    expect(url.searchParams.get("X-Amz-Signature")).toBe(await expectedSignature("PUT", url, sent, S3.secretAccessKey));
    expect(url.searchParams.get("X-Amz-Signature")).not.toBe(await expectedSignature("PUT", url, { ...sent, "content-length": "2049" }, S3.secretAccessKey));
  });

  it("without a declared size hands out a worker URL even so: a presigned PUT cannot bound an undeclared size, the Worker can", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const asset = await createAsset(u, space.id);
    const vars = { R2_ACCOUNT_ID: S3.accountId, R2_ACCESS_KEY_ID: S3.accessKeyId, R2_SECRET_ACCESS_KEY: S3.secretAccessKey, R2_BUCKET_NAME: S3.bucket, DOCUMENT_MAX_BYTES: "1000" } as Partial<Env>;
    const issued = await issueUploadUrl(svcAt(Date.now(), vars), authOf(u), asset.id, { filename: "deed.pdf", contentType: "application/pdf" }, "http://api.test");
    expect(issued).toMatchObject({ mode: "worker", maxBytes: 1000, headers: { "Content-Type": "application/pdf" } });
    expect(new URL(issued.uploadUrl).pathname).toMatch(/^\/v1\/uploads\//);
    // The Worker holds the cap while the bytes stream: one byte over is refused, with nothing stored.
    expect((await put(issued.uploadUrl, bytesOf(1001), "application/pdf")).status).toBe(413);
    expect(await env.DOCS.head(`spaces/${space.id}/assets/${asset.id}/${issued.documentId}`)).toBeNull();
    expect((await put(issued.uploadUrl, bytesOf(1000), "application/pdf")).status).toBe(200);
  });
});
