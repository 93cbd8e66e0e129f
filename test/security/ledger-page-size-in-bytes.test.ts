/**
 * A ledger page is bounded by what its rows hold, not only by `pageSize`: a transaction of 500 postings between long
 * addresses is read back as about a megabyte (postings, volumes before and after), so `pageSize=1000` of them came to a
 * gigabyte, past a Worker's memory, and failed every viewer's list of the space. A page stops once its rows hold
 * PAGE_CHARS characters, says `hasMore`, and its `next` (and a later page's `previous`) go on from there: paging
 * still visits every transaction and log once, in order.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { PAGE_CHARS } from "../../src/modules/ledger/page-bytes";
import { registerUser, type TestUser } from "../helpers";
import { api, ok } from "../analytics/fixture";

/** Ten segments of 64 characters: the longest address the ledger takes. */
const longAddress = (tag: string, k: number) =>
  [`${tag}_${k}`.padEnd(64, "x"), ...Array.from({ length: 9 }, (_, j) => `s${j}`.padEnd(64, "y"))].join(":");

/**
 * The real app over a D1 that notes the most characters any one statement's rows came to (as JSON): what a read held
 * in the Worker's memory at once.
 */
function measuringApp() {
  let most = 0;
  const note = (r: D1Result) => (most = Math.max(most, (r.results ?? []).reduce((n: number, row) => n + JSON.stringify(row).length, 0)), r);
  const measured = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop);
        if (prop === "bind") return (...args: unknown[]) => measured((v as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        if (prop === "all") return async () => note(await target.all());
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  const session = (d: D1DatabaseSession) => ({
    prepare: (sql: string) => measured(d.prepare(sql)),
    batch: async (stmts: D1PreparedStatement[]) => (await d.batch(stmts)).map(note),
    getBookmark: () => d.getBookmark(),
  });
  const db = {
    prepare: (sql: string) => measured(env.DB.prepare(sql)),
    batch: async (stmts: D1PreparedStatement[]) => (await env.DB.batch(stmts)).map(note),
    exec: (sql: string) => env.DB.exec(sql),
    withSession: (c?: string) => session(env.DB.withSession(c)),
  };
  return async (u: TestUser, path: string) => {
    most = 0;
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`http://api.test${path}`, { headers: { authorization: `Bearer ${u.accessToken}`, "cf-connecting-ip": u.ip } }), { ...env, DB: db as unknown as D1Database }, ctx);
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (await res.json()) as any, mostChars: most };
  };
}

type Page = { cursor: { pageSize: number; hasMore: boolean; next?: string; previous?: string; data: { txid?: number; id?: number }[] } };

describe("ledger pages bounded by their rows' size", { timeout: 120_000 }, () => {
  it("transactions and logs: a heavy space's page is cut below pageSize, and paging visits every row once", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Heavy", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const base = `/v1/spaces/${spaceId}/ledger`;
    const txids: number[] = [];
    for (let i = 0; i < 16; i++) {
      const postings = Array.from({ length: 500 }, (_, k) => ({ source: "world", destination: longAddress(`h${i}`, k), amount: 1, asset: "USD/2" }));
      txids.push(((await ok(a.post(`${base}/transactions`, { postings }))) as { data: { txid: number }[] }).data[0]!.txid);
    }
    for (let i = 0; i < 3; i++) {
      txids.push(((await ok(a.post(`${base}/transactions`, { postings: [{ source: "world", destination: `light:${i}`, amount: 1, asset: "USD/2" }] }))) as { data: { txid: number }[] }).data[0]!.txid);
    }
    const newestFirst = [...txids].sort((x, y) => y - x);

    for (const [list, key] of [["transactions", "txid"], ["logs", "id"]] as const) {
      const first = (await ok(a.get(`${base}/${list}?pageSize=1000`))) as Page;
      // Sixteen heavy rows hold more than PAGE_CHARS, as transactions and as logs: the first page stops short of them all, and says there is more.
      expect(first.cursor.pageSize).toBe(1000);
      expect(first.cursor.hasMore).toBe(true);
      expect(JSON.stringify(first).length).toBeLessThan(2 * PAGE_CHARS);
      const seen = first.cursor.data.map((r) => r[key]!);
      let page = first;
      const pages = [first];
      while (page.cursor.next) {
        page = (await ok(a.get(`${base}/${list}?cursor=${encodeURIComponent(page.cursor.next)}`))) as Page;
        expect(page.cursor.data.length).toBeGreaterThan(0);
        pages.push(page);
        seen.push(...page.cursor.data.map((r) => r[key]!));
      }
      if (list === "transactions") expect(seen).toEqual(newestFirst);
      else expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => seen[0]! - i)); // every log, newest first, no gap
      expect(pages.length).toBeGreaterThan(1);
      // Back from the second page: the rows just newer than it, in order, as many as fit.
      const back = (await ok(a.get(`${base}/${list}?cursor=${encodeURIComponent(pages[1]!.cursor.previous!)}`))) as Page;
      const backIds = back.cursor.data.map((r) => r[key]!);
      const firstOfSecond = pages[1]!.cursor.data[0]![key]!;
      expect(backIds.length).toBeGreaterThan(0);
      expect(backIds).toEqual(Array.from({ length: backIds.length }, (_, i) => (list === "transactions" ? newestFirst[newestFirst.indexOf(firstOfSecond) - backIds.length + i]! : firstOfSecond + backIds.length - i)));
    }

    // Verifying the chain reads it a page at a time too: no statement holds the whole heavy log at once.
    const largestLog = (await env.DB.prepare("SELECT MAX(length(data)) AS n FROM ledger_logs WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;
    const verify = await measuringApp()(u, `${base}/logs/verify`);
    expect([verify.status, verify.body.data.valid, verify.body.data.checked, verify.body.data.hasMore]).toEqual([200, true, txids.length, false]);
    expect(verify.mostChars).toBeLessThan(PAGE_CHARS + largestLog + 10_000);
  });
});
