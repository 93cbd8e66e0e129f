/**
 * A worker-signed link works only while the user it was issued to may still do what it does in the space: an
 * upload link while they may write (member and up) in the session they asked in, a download link while they may
 * read. An owner who removes someone, demotes them to viewer or ends their sessions ends their links at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, toBase64Url } from "../../src/lib/crypto";
import { spaceUsage } from "../../src/modules/documents/service";
import { addMember, call, callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { as, createAsset } from "../assets/helpers";
import { bytesOf, docRow, objectsUnder, pathOf, put, sessionOf, svcAt, uploadUrl } from "./helpers";

async function household() {
  const owner = await registerUser();
  const member = await registerUser();
  const space = await createSpace(owner, { name: "Home" });
  const asset = await createAsset(owner, space.id);
  await addMember(owner, space.id, member, "member");
  return { owner, member, spaceId: space.id, asset, prefix: `spaces/${space.id}/` };
}

const removeMember = (owner: TestUser, spaceId: string, u: TestUser) => as(owner).del(`/v1/spaces/${spaceId}/members/${u.id}`);
const setRole = (owner: TestUser, spaceId: string, u: TestUser, role: string) => as(owner).patch(`/v1/spaces/${spaceId}/members/${u.id}`, { role });
const logout = (u: TestUser) => callJson("/v1/auth/logout", { token: u.accessToken, ip: u.ip, method: "POST" });
const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.4 ${text}`);

describe("upload links end with their member's write access", () => {
  const changes = {
    "removed from the space": async (h: Awaited<ReturnType<typeof household>>) => expect((await removeMember(h.owner, h.spaceId, h.member)).status).toBe(204),
    "demoted to viewer": async (h: Awaited<ReturnType<typeof household>>) => expect((await setRole(h.owner, h.spaceId, h.member, "viewer")).status).toBe(200),
    "signed out": async (h: Awaited<ReturnType<typeof household>>) => expect((await logout(h.member)).status).toBe(204),
  };
  for (const [change, apply] of Object.entries(changes)) {
    it(`refuse the bytes of a member ${change} since the link was issued: 403, nothing stored, nothing uploaded`, async () => {
      const h = await household();
      const link = (await uploadUrl(h.member, h.asset.id, { size: 40 })).body;
      await apply(h);

      const res = await put(link.uploadUrl, pdf("uploaded after losing access"), "application/pdf");
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).error).toMatchObject({ code: "TOKEN_INVALID" });
      expect(await objectsUnder(h.prefix)).toEqual([]);
      expect((await docRow(link.documentId))!.status).toBe("pending");
      const docs = (await as(h.owner).get(`/v1/assets/${h.asset.id}/documents`)).body.documents;
      expect(docs.map((d: any) => [d.id, d.status])).toEqual([[link.documentId, "pending"]]);
      // Only the link's reservation counts (until it expires, as any unused link's): no uploaded bytes.
      expect(await spaceUsage(svcAt(Date.now()), h.spaceId)).toBe(40);
    });
  }

  it("keep working for a member who still may write: promoted, or demoted and given write access back", async () => {
    const h = await household();
    const promoted = (await uploadUrl(h.member, h.asset.id, { filename: "a.pdf" })).body;
    expect((await setRole(h.owner, h.spaceId, h.member, "admin")).status).toBe(200);
    const a = await put(promoted.uploadUrl, pdf("still an admin"), "application/pdf");
    expect(a.status).toBe(200);

    const back = (await uploadUrl(h.member, h.asset.id, { filename: "b.pdf" })).body;
    expect((await setRole(h.owner, h.spaceId, h.member, "viewer")).status).toBe(200);
    expect((await put(back.uploadUrl, pdf("a viewer now"), "application/pdf")).status).toBe(403);
    expect((await setRole(h.owner, h.spaceId, h.member, "member")).status).toBe(200);
    // The refusal did not use the link up: once the member may write again it still takes the file, once.
    const b = await put(back.uploadUrl, pdf("a member again"), "application/pdf");
    expect(b.status).toBe(200);
    expect(((await b.json()) as any).size).toBe(pdf("a member again").length);
    expect((await objectsUnder(h.prefix)).sort()).toEqual([`${h.prefix}assets/${h.asset.id}/${promoted.documentId}`, `${h.prefix}assets/${h.asset.id}/${back.documentId}`].sort());
  });

  it("refuse a file whose member is removed while its bytes are on their way, and delete what arrived", async () => {
    const h = await household();
    const link = (await uploadUrl(h.member, h.asset.id, { contentType: "text/plain", filename: "notes.txt" })).body;
    const file = bytesOf(300_000);
    let removed: number | null = null;
    let statusWhenRemoved: string | null = null;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset >= file.length) return controller.close();
        // Half way through, the owner removes the member.
        if (offset >= file.length / 2 && removed === null) {
          statusWhenRemoved = (await docRow(link.documentId))!.status;
          removed = (await removeMember(h.owner, h.spaceId, h.member)).status;
        }
        const part = file.slice(offset, offset + 16_384);
        offset += part.length;
        controller.enqueue(part);
      },
    });
    const res = await put(link.uploadUrl, body, "text/plain");
    expect(removed).toBe(204);
    // The link was taken (claimed) before the removal: the refusal is the one as the document lands.
    expect(statusWhenRemoved).toBe("uploading");
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe("TOKEN_INVALID");
    expect(await objectsUnder(h.prefix)).toEqual([]);
    expect((await docRow(link.documentId))!).toMatchObject({ status: "pending", size: null, uploaded_at: null, claimed_at: null });
  });

  it("refuse a link of the format before links named their user, even correctly signed", async () => {
    const h = await household();
    const link = (await uploadUrl(h.member, h.asset.id)).body;
    const token = new URL(link.uploadUrl).pathname.split("/").pop()!;
    const claims = JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims).toMatchObject({ k: "upload", doc: link.documentId, usr: h.member.id, ses: sessionOf(h.member) });
    // The same document's link as it was signed before `usr` and `ses` (tokens.ts's key and MAC).
    const { usr: _u, ses: _s, ...old } = claims;
    const body = toBase64Url(new TextEncoder().encode(JSON.stringify(old)));
    const key = await hmacSha256Hex(env.JWT_SECRET, "dhanam-ledger/document-transfer-token/v1");
    const oldToken = `${body}.${await hmacSha256Hex(key, `upload.${body}`)}`;
    const res = await call(`/v1/uploads/${oldToken}`, { method: "PUT", rawBody: pdf("old link"), headers: { "content-type": "application/pdf" } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe("TOKEN_INVALID");
    expect(await objectsUnder(h.prefix)).toEqual([]);
    // The link as issued still works.
    expect((await put(link.uploadUrl, pdf("new link"), "application/pdf")).status).toBe(200);
  });
});

describe("download links end with their member's read access", () => {
  it("stop serving a member removed from the space (403), while the owner's links serve the file", async () => {
    const h = await household();
    const link = (await uploadUrl(h.owner, h.asset.id)).body;
    const file = pdf("the deed");
    expect((await put(link.uploadUrl, file, "application/pdf")).status).toBe(200);
    const memberUrl = (await as(h.member).get(`/v1/assets/${h.asset.id}/documents`)).body.documents[0].downloadUrl;
    const ownerUrl = (await as(h.owner).get(`/v1/assets/${h.asset.id}/documents`)).body.documents[0].downloadUrl;
    expect((await call(pathOf(memberUrl))).status).toBe(200);

    // A viewer still reads: demoting keeps the link.
    expect((await setRole(h.owner, h.spaceId, h.member, "viewer")).status).toBe(200);
    expect((await call(pathOf(memberUrl))).status).toBe(200);

    expect((await removeMember(h.owner, h.spaceId, h.member)).status).toBe(204);
    const refused = await call(pathOf(memberUrl));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe("TOKEN_INVALID");
    const served = await call(pathOf(ownerUrl));
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(file);
  });

  it("stop serving once the session the link was listed in ends", async () => {
    const h = await household();
    const link = (await uploadUrl(h.member, h.asset.id)).body;
    expect((await put(link.uploadUrl, pdf("receipt"), "application/pdf")).status).toBe(200);
    const url = (await as(h.member).get(`/v1/assets/${h.asset.id}/documents`)).body.documents[0].downloadUrl;
    expect((await logout(h.member)).status).toBe(204);
    expect((await call(pathOf(url))).status).toBe(403);
  });
});
