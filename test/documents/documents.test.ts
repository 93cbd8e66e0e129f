import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueUploadUrl, receiveUpload, serveDownload } from "../../src/modules/documents/service";
import { streamToR2 } from "../../src/modules/documents/storage";
import { addMember, call, callJson, createSpace, registerUser } from "../helpers";
import { as, createAsset } from "../assets/helpers";
import { authOf, bytesOf, chunked, digest, docRow, objectsUnder, pathOf, pendingDocs, put, svcAt, tracked, uploadUrl } from "./helpers";

async function setup() {
  const u = await registerUser();
  const space = await createSpace(u);
  const asset = await createAsset(u, space.id);
  return { u, a: as(u), spaceId: space.id, asset, prefix: `spaces/${space.id}/` };
}

describe("document uploads (worker-signed URLs)", () => {
  it("stream a file into R2 once, record R2's size, and serve it back through a signed download URL", async () => {
    const { u, a, asset, prefix } = await setup();
    const issued = await uploadUrl(u, asset.id);
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ method: "PUT", mode: "worker", headers: { "Content-Type": "application/pdf" }, maxBytes: 26214400 });
    expect(issued.body.documentId).toMatch(/^doc_/);
    expect(issued.body.uploadUrl).toMatch(/^http:\/\/api\.test\/v1\/uploads\/[A-Za-z0-9_-]+\.[0-9a-f]{64}$/);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

    let listed = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents;
    expect(listed).toEqual([expect.objectContaining({ id: issued.body.documentId, status: "pending", size: null, downloadUrl: null })]);

    // 1.5 MiB: past the API's 1 MiB JSON body limit, which uploads do not go through.
    const file = bytesOf(1_572_864);
    const res = await put(issued.body.uploadUrl, file, "application/pdf");
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toMatchObject({ documentId: issued.body.documentId, status: "uploaded", size: file.length });
    expect(await objectsUnder(prefix)).toHaveLength(1);

    listed = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents;
    expect(listed[0]).toMatchObject({ filename: "appraisal-2025.pdf", category: "appraisal", contentType: "application/pdf", status: "uploaded", size: file.length });
    expect(listed[0].downloadUrl).toMatch(/^http:\/\/api\.test\/v1\/downloads\//);
    const dl = await call(pathOf(listed[0].downloadUrl));
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toBe("application/pdf");
    expect(dl.headers.get("content-disposition")).toBe('attachment; filename="appraisal-2025.pdf"');
    expect(await digest(await dl.arrayBuffer())).toBe(await digest(file));
  });

  it("take a chunked body (no Content-Length) in multipart parts, and refuse the used, the expired, the forged and the wrongly typed", async () => {
    const { u, a, asset, prefix } = await setup();
    const issued = (await uploadUrl(u, asset.id, { filename: "fotos.png", contentType: "image/png" })).body;

    // Wrong content type: 415, nothing stored, the link still works afterwards.
    const wrong = await put(issued.uploadUrl, bytesOf(10), "application/pdf");
    expect(wrong.status).toBe(415);
    expect(((await wrong.json()) as any).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect((await put(issued.uploadUrl, bytesOf(10), null)).status).toBe(415);
    expect((await docRow(issued.documentId))!.status).toBe("pending");

    // A forged or altered token.
    const token = new URL(issued.uploadUrl).pathname.split("/").pop()!;
    const altered = token.slice(0, -1) + (token.endsWith("0") ? "1" : "0");
    const forged = await call(`/v1/uploads/${altered}`, { method: "PUT", rawBody: bytesOf(10), headers: { "content-type": "image/png" } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as any).error.code).toBe("TOKEN_INVALID");
    // A download token is not an upload token.
    expect(await objectsUnder(prefix)).toEqual([]);

    // Just over 5 MiB sent chunked: two multipart parts.
    const file = bytesOf(5 * 1024 * 1024 + 123, 3);
    const ok = await put(issued.uploadUrl, chunked(file), "image/png; charset=binary");
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).size).toBe(file.length);

    // Reused: 409, and the stored file is unchanged.
    const again = await put(issued.uploadUrl, bytesOf(5), "image/png");
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.code).toBe("TOKEN_ALREADY_USED");
    const doc = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents[0];
    expect(doc.size).toBe(file.length);
    const back = new Uint8Array(await (await call(pathOf(doc.downloadUrl))).arrayBuffer());
    expect(back.length).toBe(file.length);
    expect(await digest(back)).toBe(await digest(file));

    // Expired: the same kind of link, presented after its expiry (an injected clock), is 410 and stores nothing.
    const late = (await uploadUrl(u, asset.id, { filename: "late.png", contentType: "image/png" })).body;
    const lateToken = new URL(late.uploadUrl).pathname.split("/").pop()!;
    const req = new Request(late.uploadUrl, { method: "PUT", body: bytesOf(10), headers: { "content-type": "image/png" } });
    await expect(receiveUpload(svcAt(Date.parse(late.expiresAt) + 1), lateToken, req)).rejects.toMatchObject({ status: 410, code: "TOKEN_EXPIRED" });
    expect((await docRow(late.documentId))!.status).toBe("pending");
    expect(await objectsUnder(`${prefix}assets/${asset.id}/${late.documentId}`)).toEqual([]);

    // Download links expire too.
    const dlToken = new URL(doc.downloadUrl).pathname.split("/").pop()!;
    await expect(serveDownload(svcAt(Date.parse(doc.downloadUrlExpiresAt) + 1), dlToken)).rejects.toMatchObject({ status: 410 });
    // And an upload token is no download token.
    expect((await call(`/v1/downloads/${lateToken}`)).status).toBe(403);
  });

  it("refuse a body over the cap with 413 and leave nothing in R2, with or without Content-Length", async () => {
    const { u, asset, prefix } = await setup();
    const issued = (await uploadUrl(u, asset.id, { contentType: "text/plain", filename: "notes.txt", size: 1000 })).body;
    expect(issued.maxBytes).toBe(1000);
    const declared = await put(issued.uploadUrl, bytesOf(1001), "text/plain");
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as any).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await objectsUnder(prefix)).toEqual([]);
    const streamed = await put(issued.uploadUrl, chunked(bytesOf(5000), 300), "text/plain");
    expect(streamed.status).toBe(413);
    expect(await objectsUnder(prefix)).toEqual([]);
    expect((await docRow(issued.documentId))!.status).toBe("pending");
    // Exactly the cap is fine.
    const exact = await put(issued.uploadUrl, chunked(bytesOf(1000), 300), "text/plain");
    expect(exact.status).toBe(200);
    expect(await objectsUnder(prefix)).toHaveLength(1);

    // A declared size over the per-file cap is refused before any URL exists, and so is none at all.
    const big = await uploadUrl(u, asset.id, { size: 26214401 });
    expect(big.status).toBe(422);
    expect(big.body.error.details[0].code).toBe("FILE_TOO_LARGE");
    const empty = await uploadUrl(u, asset.id, { size: 0 });
    expect(empty.status).toBe(422);
    expect(empty.body.error.details[0].field).toBe("size");
  });

  // Local workerd (wrangler dev) answers the next request on a kept-alive connection with a 503 when a refused
  // body was cancelled rather than read: the route drains it (discardBody), so storage must leave it whole.
  it("leave a body over the cap to be drained after the 413, never cancelled, with or without Content-Length", async () => {
    const { u, asset, prefix } = await setup();
    const issued = (await uploadUrl(u, asset.id, { contentType: "text/plain", filename: "notes.txt", size: 1000 })).body;
    const n = 256 * 1024;
    for (const headers of [{ "content-length": String(n) }, {}] as Record<string, string>[]) {
      // Chunks of 16 KiB: a body cancelled after its first chunks was not read to its end.
      const { stream, seen } = tracked(bytesOf(n), 16 * 1024);
      const res = await put(issued.uploadUrl, stream, "text/plain", headers);
      expect(res.status, JSON.stringify(headers)).toBe(413);
      expect(((await res.json()) as any).error.code).toBe("PAYLOAD_TOO_LARGE");
      expect(seen, JSON.stringify(headers)).toEqual({ pulled: n, ended: true, cancelled: false });
    }
    expect(await objectsUnder(prefix)).toEqual([]);
    expect((await docRow(issued.documentId))!.status).toBe("pending");
  });

  it("streamToR2 refuses a body over the cap without cancelling it: the rest can still be read", async () => {
    const { prefix } = await setup();
    const key = `${prefix}over-cap`;
    const n = 5000;
    for (const contentLength of [n, null]) {
      const { stream, seen } = tracked(bytesOf(n), 300);
      await expect(streamToR2(env.DOCS, key, stream, { cap: 1000, contentLength, contentType: "text/plain" })).rejects.toMatchObject({ status: 413 });
      expect(seen.cancelled).toBe(false);
      // Unlocked, and readable to its end (as discardBody reads it); with a Content-Length over the cap, whole.
      const reader = stream.getReader();
      let rest = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value.byteLength;
      if (contentLength !== null) expect(rest).toBe(n);
      expect(seen).toEqual({ pulled: n, ended: true, cancelled: false });
    }
    expect(await objectsUnder(prefix)).toEqual([]);
  });

  it("refuse a body shorter than its Content-Length with 400 (it was a 500), store nothing and keep the link", async () => {
    const { u, asset, prefix } = await setup();
    const issued = (await uploadUrl(u, asset.id, { contentType: "text/plain", filename: "notes.txt", size: 100 })).body;
    // In process the runtime sees the short body as a client that went away, and logs it; over HTTP it cannot happen.
    for (const [bytes, length] of [[10, "15"]] as const) {
      const res = await put(issued.uploadUrl, chunked(bytesOf(bytes), 4), "text/plain", { "content-length": length });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.message).toContain(`Content-Length of ${length} bytes`);
      expect(await objectsUnder(prefix)).toEqual([]);
      expect((await docRow(issued.documentId))!.status).toBe("pending");
    }
    expect((await put(issued.uploadUrl, bytesOf(10), "text/plain")).status).toBe(200);
  });

  it("refuse unsupported types and unsafe names at issue time", async () => {
    const { u, asset } = await setup();
    for (const body of [{ contentType: "text/html" }, { contentType: "image/svg+xml" }, { filename: "../etc/passwd" }, { filename: "a\u0000b.pdf" }]) {
      const r = await uploadUrl(u, asset.id, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM asset_documents WHERE asset_id = ?").bind(asset.id).first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it("enforce the space quota, counting pending uploads, before issuing a URL", async () => {
    const { u, asset } = await setup();
    // The configured quota (1 GiB) and cap (25 MiB): each pending upload without a declared size reserves the cap.
    const issued = [];
    for (let i = 0; i < 40; i++) issued.push(await uploadUrl(u, asset.id));
    expect(issued.every((r) => r.status === 201)).toBe(true);
    const over = await uploadUrl(u, asset.id);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe("QUOTA_EXCEEDED");
    // A small declared size still fits in what is left (1 GiB - 40 × 25 MiB).
    expect((await uploadUrl(u, asset.id, { size: 1024 * 1024 * 1024 - 40 * 26214400 })).status).toBe(201);
    expect((await uploadUrl(u, asset.id, { size: 1 })).status).toBe(422);
  });

  it("count uploaded sizes and unexpired reservations against a small configured quota", async () => {
    const { u, asset } = await setup();
    const now = Date.now();
    const svc = svcAt(now, { DOCUMENT_SPACE_QUOTA_BYTES: "100", DOCUMENT_MAX_BYTES: "60" } as Partial<Env>);
    const first = await issueUploadUrl(svc, authOf(u), asset.id, { filename: "a.txt", contentType: "text/plain" }, "http://api.test");
    expect(first.maxBytes).toBe(60);
    // 60 reserved: another 60 does not fit, 40 does.
    await expect(issueUploadUrl(svc, authOf(u), asset.id, { filename: "b.txt", contentType: "text/plain" }, "http://api.test")).rejects.toMatchObject({ status: 422, code: "QUOTA_EXCEEDED" });
    // Upload 10 bytes: now only the real size counts.
    const res = await put(first.uploadUrl, bytesOf(10), "text/plain");
    expect(res.status).toBe(200);
    const second = await issueUploadUrl(svc, authOf(u), asset.id, { filename: "b.txt", contentType: "text/plain", size: 60 }, "http://api.test");
    expect(second.maxBytes).toBe(60);
    await expect(issueUploadUrl(svc, authOf(u), asset.id, { filename: "c.txt", contentType: "text/plain", size: 31 }, "http://api.test")).rejects.toMatchObject({ code: "QUOTA_EXCEEDED" });
    // An expired reservation no longer counts.
    const later = svcAt(Date.parse(second.expiresAt) + 1, { DOCUMENT_SPACE_QUOTA_BYTES: "100", DOCUMENT_MAX_BYTES: "60" } as Partial<Env>);
    expect((await issueUploadUrl(later, authOf(u), asset.id, { filename: "c.txt", contentType: "text/plain", size: 60 }, "http://api.test")).maxBytes).toBe(60);
  });

  it("are only for members of the asset's space: others get 404; viewers list but do not write", async () => {
    const { u, a, spaceId, asset } = await setup();
    const outsider = await registerUser();
    await createSpace(outsider);
    const viewer = await registerUser();
    await addMember(u, spaceId, viewer, "viewer");
    const issued = (await uploadUrl(u, asset.id)).body;
    await put(issued.uploadUrl, bytesOf(100), "application/pdf");
    const o = as(outsider);
    for (const r of [
      await uploadUrl(outsider, asset.id),
      await o.get(`/v1/assets/${asset.id}/documents`),
      await o.del(`/v1/assets/${asset.id}/documents/${issued.documentId}`),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("RESOURCE_NOT_FOUND");
    }
    // A document id under another asset is a 404 too.
    const other = await createAsset(u, spaceId, { name: "Car", type: "vehicle" });
    expect((await a.del(`/v1/assets/${other.id}/documents/${issued.documentId}`)).status).toBe(404);
    expect((await as(viewer).get(`/v1/assets/${asset.id}/documents`)).body.documents).toHaveLength(1);
    expect((await uploadUrl(viewer, asset.id)).status).toBe(403);
    expect((await as(viewer).del(`/v1/assets/${asset.id}/documents/${issued.documentId}`)).status).toBe(403);
    expect(await env.DOCS.head(`spaces/${spaceId}/assets/${asset.id}/${issued.documentId}`)).not.toBeNull();
  });

  it("delete removes the R2 object (and deleting the asset removes all of its objects)", async () => {
    const { u, a, spaceId, asset, prefix } = await setup();
    const one = (await uploadUrl(u, asset.id)).body;
    const two = (await uploadUrl(u, asset.id, { filename: "deed.pdf" })).body;
    await put(one.uploadUrl, bytesOf(300), "application/pdf");
    await put(two.uploadUrl, bytesOf(200), "application/pdf");
    const key = `spaces/${spaceId}/assets/${asset.id}/${one.documentId}`;
    expect(await env.DOCS.head(key)).not.toBeNull();
    const download = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.find((d: any) => d.id === one.documentId).downloadUrl;
    expect((await a.del(`/v1/assets/${asset.id}/documents/${one.documentId}`)).status).toBe(204);
    expect(await env.DOCS.head(key)).toBeNull();
    expect(await docRow(one.documentId)).toBeNull();
    expect((await call(pathOf(download))).status).toBe(404);
    expect((await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.map((d: any) => d.id)).toEqual([two.documentId]);
    expect(await objectsUnder(prefix)).toHaveLength(1);
    expect((await a.del(`/v1/assets/${asset.id}`)).status).toBe(204);
    expect(await objectsUnder(prefix)).toEqual([]);
  });

  it("refuse a name holding a bidirectional control (it would disguise the extension): 422 INVALID_TEXT on filename", async () => {
    const { u, a, asset } = await setup();
    const controls = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"];
    for (const ch of controls) {
      const r = await uploadUrl(u, asset.id, { filename: `invoice${ch}fdp.exe` });
      expect(r.status, ch.codePointAt(0)!.toString(16)).toBe(422);
      expect(r.body.error.details).toEqual([expect.objectContaining({ field: "filename", code: "INVALID_TEXT" })]);
    }
    expect((await a.get(`/v1/assets/${asset.id}/documents`)).body.documents).toEqual([]);
    // Right-to-left writing itself is a name like any other.
    const rtl = await uploadUrl(u, asset.id, { filename: "עסקה 2025.pdf" });
    expect(rtl.status).toBe(201);
    expect((await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.map((d: any) => d.filename)).toEqual(["עסקה 2025.pdf"]);
  });

  it("show a name stored with a bidirectional control before they were refused without it, in the list and the download", async () => {
    const { u, a, asset } = await setup();
    for (const [stored, shown, disposition] of [
      ["invoice\u202Efdp.exe", "invoicefdp.exe", 'attachment; filename="invoicefdp.exe.pdf"'],
      ["recibo ñ\u2067\u202Efdp.exe\u2069", "recibo ñfdp.exe", `attachment; filename="recibo _fdp.exe.pdf"; filename*=UTF-8''recibo%20%C3%B1fdp.exe.pdf`],
    ]) {
      const issued = (await uploadUrl(u, asset.id)).body;
      expect((await put(issued.uploadUrl, bytesOf(10), "application/pdf")).status).toBe(200);
      await env.DB.prepare("UPDATE asset_documents SET filename = ? WHERE id = ?").bind(stored, issued.documentId).run();
      const doc = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.find((d: any) => d.id === issued.documentId);
      expect(doc.filename).toBe(shown);
      const res = await call(pathOf(doc.downloadUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(disposition);
    }
  });

  it("refuse a name holding a C1 control or a line separator (422 INVALID_REGEX), or nothing visible (422 INVALID_VALUE)", async () => {
    const { u, a, asset } = await setup();
    for (const [name, code] of [
      ["report\u0085.pdf", "INVALID_REGEX"], ["a\u009b31mred.pdf", "INVALID_REGEX"], ["a\u0080b.pdf", "INVALID_REGEX"],
      ["a\u2028b.pdf", "INVALID_REGEX"], ["a\u2029b.pdf", "INVALID_REGEX"], ["\u200B", "INVALID_VALUE"], ["\u3164\u200B", "INVALID_VALUE"],
    ]) {
      const r = await uploadUrl(u, asset.id, { filename: name });
      expect([JSON.stringify(name), r.status]).toEqual([JSON.stringify(name), 422]);
      expect(r.body.error.details).toEqual([expect.objectContaining({ field: "filename", code })]);
    }
    expect((await a.get(`/v1/assets/${asset.id}/documents`)).body.documents).toEqual([]);
    // The characters just above and below the refused ranges are names like any others.
    const fine = await uploadUrl(u, asset.id, { filename: "año\u00a02025.pdf" });
    expect(fine.status).toBe(201);
  });

  it("show a name stored with a C1 control or a line separator before they were refused without it, in the list and the download", async () => {
    const { u, a, asset } = await setup();
    const issued = (await uploadUrl(u, asset.id)).body;
    expect((await put(issued.uploadUrl, bytesOf(10), "application/pdf")).status).toBe(200);
    await env.DB.prepare("UPDATE asset_documents SET filename = ? WHERE id = ?").bind("año\u0085\u009b31m\u2028.pdf", issued.documentId).run();
    const doc = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.find((d: any) => d.id === issued.documentId);
    expect(doc.filename).toBe("año31m.pdf");
    const res = await call(pathOf(doc.downloadUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="a_o31m.pdf"; filename*=UTF-8''a%C3%B1o31m.pdf`);
  });

  it("name files safely in Content-Disposition, with RFC 5987 filename* for non-ASCII names", async () => {
    const { u, a, asset } = await setup();
    const issued = (await uploadUrl(u, asset.id, { filename: 'Escritura "señor" 2025;.pdf' })).body;
    await put(issued.uploadUrl, bytesOf(10), "application/pdf");
    const doc = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents[0];
    const res = await call(pathOf(doc.downloadUrl));
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="Escritura _se_or_ 2025_.pdf"; filename*=UTF-8''Escritura%20%22se%C3%B1or%22%202025%3B.pdf`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("save a file under an extension of its type: a name that would open as a page, a script or a program gets the type's own", async () => {
    const { u, a, asset } = await setup();
    const cases: [name: string, type: string, bytes: string, disposition: string][] = [
      ["report.html", "text/plain", "<html><script>alert(document.domain)</script>", 'attachment; filename="report.html.txt"'],
      ["logo.svg", "image/png", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", 'attachment; filename="logo.svg.png"'],
      ["setup.exe", "application/pdf", "MZ\x90\x00", 'attachment; filename="setup.exe.pdf"'],
      ["scan", "image/jpeg", "\xff\xd8\xff", 'attachment; filename="scan.jpg"'],
      ["SCAN.JPEG", "image/jpeg", "\xff\xd8\xff", 'attachment; filename="SCAN.JPEG"'],
      ["movimientos.csv", "text/plain", "a,b", 'attachment; filename="movimientos.csv"'],
      ["IMG_0001.HEIF", "image/heic", "heic", 'attachment; filename="IMG_0001.HEIF"'],
      ["página.htm", "text/csv", "a,b", `attachment; filename="p_gina.htm.csv"; filename*=UTF-8''p%C3%A1gina.htm.csv`],
    ];
    for (const [name, type, bytes, disposition] of cases) {
      const issued = await uploadUrl(u, asset.id, { filename: name, contentType: type });
      expect([name, issued.status]).toEqual([name, 201]);
      expect((await put(issued.body.uploadUrl, new TextEncoder().encode(bytes), type)).status).toBe(200);
      const doc = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.find((d: any) => d.id === issued.body.documentId);
      // The list keeps the name as given; the saved file gets the extension.
      expect(doc.filename).toBe(name);
      const res = await call(pathOf(doc.downloadUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      expect([name, res.headers.get("content-disposition")]).toEqual([name, disposition]);
      // Were a browser to show it anyway (one that opens attachments of some types in a tab), it runs nothing and loads nothing as our origin.
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    }
  });

  it("never name a saved file . or .. or a hidden file, in filename* either (it kept what filename drops)", async () => {
    const { u, a, asset } = await setup();
    for (const [name, disposition] of [
      ["..", 'attachment; filename="document.pdf"'],
      [".", 'attachment; filename="document.pdf"'],
      [". .", 'attachment; filename="document.pdf"'],
      [".bashrc", 'attachment; filename="bashrc.pdf"'],
      ["..ñ.pdf", `attachment; filename="_.pdf"; filename*=UTF-8''%C3%B1.pdf`],
      [". ..año.pdf", `attachment; filename="a_o.pdf"; filename*=UTF-8''a%C3%B1o.pdf`],
      ["a..b.pdf", 'attachment; filename="a..b.pdf"'],
    ]) {
      const issued = await uploadUrl(u, asset.id, { filename: name });
      expect([name, issued.status]).toEqual([name, 201]);
      expect((await put(issued.body.uploadUrl, bytesOf(10), "application/pdf")).status).toBe(200);
      const doc = (await a.get(`/v1/assets/${asset.id}/documents`)).body.documents.find((d: any) => d.id === issued.body.documentId);
      expect(doc.filename).toBe(name);
      const res = await call(pathOf(doc.downloadUrl));
      expect(res.status).toBe(200);
      expect([name, res.headers.get("content-disposition")]).toEqual([name, disposition]);
    }
  });
});

describe("GET /v1/assets/{id}/documents, a page at a time (each uploaded document costs a signed URL)", () => {
  it("pages by limit and offset, newest first then by id, every document exactly once, with the lists' pagination", async () => {
    const { u, a, spaceId, asset } = await setup();
    const issued = (await uploadUrl(u, asset.id)).body;
    expect((await put(issued.uploadUrl, bytesOf(10), "application/pdf")).status).toBe(200);
    // Six older ones created in the same millisecond: only their ids order them, and the pages must agree.
    const burst = await pendingDocs(u, spaceId, asset.id, 6, "worker", Date.now() + 600_000, 100, Date.now() - 3_600_000);
    const newestFirst = [issued.documentId, ...burst.map((d) => d.id).reverse()];

    const seen: string[] = [];
    for (let offset = 0, more = true; more; offset += 3) {
      const page = await a.get(`/v1/assets/${asset.id}/documents?limit=3&offset=${offset}`);
      expect(page.status).toBe(200);
      expect(page.body.pagination).toEqual({ total: 7, limit: 3, offset, hasMore: offset + 3 < 7 });
      seen.push(...page.body.documents.map((d: { id: string }) => d.id));
      more = page.body.pagination.hasMore;
    }
    expect(seen).toEqual(newestFirst);
    const first = (await a.get(`/v1/assets/${asset.id}/documents?limit=1`)).body.documents;
    expect(first).toEqual([expect.objectContaining({ id: issued.documentId, status: "uploaded", downloadUrl: expect.any(String) })]);

    // By default the first 50, as every list; past the end an empty page.
    const all = (await a.get(`/v1/assets/${asset.id}/documents`)).body;
    expect(all.pagination).toEqual({ total: 7, limit: 50, offset: 0, hasMore: false });
    expect(all.documents.map((d: { id: string }) => d.id)).toEqual(newestFirst);
    expect((await a.get(`/v1/assets/${asset.id}/documents?offset=7`)).body).toEqual({ documents: [], pagination: { total: 7, limit: 50, offset: 7, hasMore: false } });
  });

  it("pages 205 documents, more than D1 binds parameters in a statement, each once in 200 + 5", async () => {
    const { u, a, spaceId, asset } = await setup();
    const many = await pendingDocs(u, spaceId, asset.id, 205, "worker", Date.now() + 600_000);
    const first = (await a.get(`/v1/assets/${asset.id}/documents?limit=200`)).body;
    const rest = (await a.get(`/v1/assets/${asset.id}/documents?limit=200&offset=200`)).body;
    expect([first.pagination, rest.pagination]).toEqual([
      { total: 205, limit: 200, offset: 0, hasMore: true },
      { total: 205, limit: 200, offset: 200, hasMore: false },
    ]);
    const ids = [...first.documents, ...rest.documents].map((d: { id: string }) => d.id);
    expect(ids).toEqual(many.map((d) => d.id).reverse()); // newest first
  });

  it("takes limit 1 to 200 and offset from 0, as the other lists do; anything else is a 422, and the OpenAPI document says so", async () => {
    const { u, a, asset } = await setup();
    await uploadUrl(u, asset.id);
    for (const q of ["limit=1", "limit=200", "limit=200&offset=1000000"]) expect((await a.get(`/v1/assets/${asset.id}/documents?${q}`)).status, q).toBe(200);
    for (const [q, field] of [["limit=0", "limit"], ["limit=201", "limit"], ["limit=1.5", "limit"], ["limit=", "limit"], ["offset=-1", "offset"], ["offset=1000001", "offset"]]) {
      const r = await a.get(`/v1/assets/${asset.id}/documents?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body.error.details, q).toContainEqual(expect.objectContaining({ field }));
    }

    const doc = (await callJson("/openapi.json")).body;
    const op = doc.paths["/v1/assets/{assetId}/documents"].get;
    expect(op.parameters).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: "limit", in: "query", schema: expect.objectContaining({ minimum: 1, maximum: 200 }) }),
      expect.objectContaining({ name: "offset", in: "query", schema: expect.objectContaining({ minimum: 0 }) }),
    ]));
    expect(doc.components.schemas.DocumentList).toMatchObject({ required: expect.arrayContaining(["documents", "pagination"]), properties: { pagination: { $ref: "#/components/schemas/Pagination" } } });
  });
});

describe("CORS for browser uploads", () => {
  it("answers the preflight of a PUT with Content-Type from an allowed origin", async () => {
    const res = await call("/v1/uploads/some.token", {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "PUT", "access-control-request-headers": "content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
  });
});
