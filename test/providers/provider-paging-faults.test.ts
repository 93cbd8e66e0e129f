/**
 * Providers whose pages misbehave, through the real clients, the real sync and the simulators (a fault in front of
 * them, as the app's outbound calls reach it): Plaid answering has_more with a cursor it already gave, or a 200 that is
 * not a page; Belvo answering a 2xx whose body is its error list, or a paginated list whose `next` is on another host
 * or repeats; Bitso ignoring its marker. Each is an answer that cannot be read, retried, never a shorter history (which
 * a Belvo sync would take for transactions the bank removed) nor a loop; the ledger keeps each transaction once.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { getConnection } from "../../src/modules/providers/connections";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { fetchBelvo } from "../../src/providers/belvo/adapter";
import { BelvoClient } from "../../src/providers/belvo/client";
import { BitsoClient } from "../../src/providers/bitso/client";
import { MAX_PAGES, MAX_PROVIDER_TEXT, ProviderError } from "../../src/providers/errors";
import { PlaidClient } from "../../src/providers/plaid/client";
import { SneaksClient } from "../../src/providers/sneaks/client";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { belvoLinked, bitsoLinked, directServices, jobStats, ledgerFingerprint, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, waitForJob } from "./helpers";

/** A fault in front of the simulators: requests whose path ends with `path` and that name `who` (body or auth) get `answer`. */
interface Fault {
  path: string;
  who: string;
  answer: (request: Request, real: () => Promise<Response>) => Promise<Response>;
  seen: number;
}
let fault: Fault | null = null;
/** Every request that left for a host other than the simulators' (what a followed `next` would send, and to whom). */
const offHost: { url: string; authorization: string | null }[] = [];

beforeAll(() => {
  registerSandboxHandler(async (request, e) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/elsewhere/")) {
      offHost.push({ url: request.url, authorization: request.headers.get("authorization") });
      return Response.json({ count: 0, next: null, previous: null, results: [] });
    }
    const f = fault;
    if (f && url.pathname.endsWith(f.path)) {
      const body = request.method === "GET" ? "" : await request.clone().text();
      if (body.includes(f.who) || (request.headers.get("authorization") ?? "").includes(f.who)) {
        f.seen++;
        return f.answer(request, async () => app.fetch(request, e));
      }
    }
    return app.fetch(request, e);
  });
});

afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const json = (body: unknown, status = 200) => Promise.resolve(Response.json(body, { status }));
const connRow = (id: string) =>
  env.DB.prepare("SELECT status, status_reason, sync_cursor FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null; sync_cursor: string | null }>();

/** One attempt of a new sync of the connection; what it put back on the queue. */
async function attempt(connectionId: string) {
  const { svc, sent } = directServices();
  const { jobId, created } = await enqueueSync(svc, (await getConnection(svc, connectionId))!, "manual");
  expect(created).toBe(true);
  sent.length = 0;
  await runSyncJob(svc, { jobId, attempt: 1 });
  return { jobId, svc, sent };
}

async function plaidLinked() {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  const accessToken = await plaidAccessToken(l.connection.id);
  return { owner, spaceId, connectionId: l.connection.id as string, accessToken };
}

/** A Plaid transaction of `accountId` as /transactions/sync sends it. */
function plaidTxn(id: string, accountId: string, amount: number | string, date: string) {
  return {
    transaction_id: id, account_id: accountId, amount, iso_currency_code: "USD", unofficial_currency_code: null, date, authorized_date: date, name: `Shop ${id}`,
    merchant_name: `Shop ${id}`, original_description: null, pending: false, pending_transaction_id: null, payment_channel: "in store", category: null, category_id: null,
    location: {}, payment_meta: {}, account_owner: null, transaction_code: null, transaction_type: "place",
  };
}
const page = (added: unknown[], next: string, more: boolean) => ({ added, modified: [], removed: [], accounts: [], next_cursor: next, has_more: more, request_id: "r" });

describe("Plaid's /transactions/sync pages", () => {
  it("has_more with a cursor it already gave: the attempt stops at once (no loop over the same pages) and is retried; the cursor is kept", { timeout: 90_000 }, async () => {
    const s = await plaidLinked();
    const before = await connRow(s.connectionId);
    const ledger = await ledgerFingerprint(s.spaceId);
    // The same cursor for ever; after 40 pages an end, so that a client without the check still ends.
    fault = { path: "/transactions/sync", who: s.accessToken, seen: 0, answer: () => json(page([], "cursor-loop", fault!.seen < 40)) };
    try {
      const a = await attempt(s.connectionId);
      expect(fault.seen).toBe(2);
      const job = await jobStats(a.jobId);
      expect(job).toMatchObject({ status: "queued", error: "attempt 1: plaid INVALID_RESPONSE: Plaid answered has_more with a cursor it had already given: the pages would repeat" });
      expect(await connRow(s.connectionId)).toMatchObject({ status: "active", sync_cursor: before!.sync_cursor });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
    } finally {
      fault = null;
    }
  });

  it("a 200 whose body is Plaid's error, not a page: an answer that cannot be read, retried with that reason", { timeout: 90_000 }, async () => {
    const s = await plaidLinked();
    fault = {
      path: "/transactions/sync", who: s.accessToken, seen: 0,
      answer: () => json({ error_type: "API_ERROR", error_code: "INTERNAL_SERVER_ERROR", error_message: "an unexpected error occurred", request_id: "r" }),
    };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: plaid INVALID_RESPONSE: Plaid's /transactions/sync answered without its lists of changes and cursor" });
    } finally {
      fault = null;
    }
  });

  it("one transaction on two pages, an amount as a string: posted once; a re-sync changes nothing", { timeout: 90_000 }, async () => {
    const s = await plaidLinked();
    const accounts = (await new PlaidClient(env).accountsGet(s.accessToken)).accounts;
    const checking = accounts.find((a) => a.type === "depository")!.account_id;
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const dup = plaidTxn(`dup-${crypto.randomUUID()}`, checking, 12.5, day);
    const other = plaidTxn(`other-${crypto.randomUUID()}`, checking, "7.25", day);
    fault = {
      path: "/transactions/sync", who: s.accessToken, seen: 0,
      answer: async (request) => {
        const cursor = ((await request.json()) as { cursor?: string }).cursor;
        if (cursor === "p2") return json(page([dup, other], "p3", false));
        if (cursor === "p3") return json(page([], "p3", false));
        return json(page([dup], "p2", true));
      },
    };
    try {
      const first = await attempt(s.connectionId);
      expect((await jobStats(first.jobId)).status).toBe("completed");
      const rows = (await liveRows(s.spaceId)).filter((r) => r.pid === dup.transaction_id || r.pid === other.transaction_id);
      expect(rows.map((r) => [r.pid, r.amount]).sort()).toEqual([[dup.transaction_id, -1250], [other.transaction_id, -725]].sort());
      expect(await ledgerViolations(s.spaceId)).toEqual([]);
      const ledger = await ledgerFingerprint(s.spaceId);
      const again = await attempt(s.connectionId);
      expect((await jobStats(again.jobId)).stats).toMatchObject({ created: 0, removed: 0, corrections: 0 });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
    } finally {
      fault = null;
    }
  });
});

describe("Belvo's lists", () => {
  it("a 201 whose body is Belvo's error list: no transaction is taken for removed; the attempt is retried and the retry changes nothing", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    const ledger = await ledgerFingerprint(s.spaceId);
    expect(ledger.rows).toBeGreaterThan(50);
    fault = { path: "/api/transactions/", who: s.who, seen: 0, answer: () => json([{ code: "service_unavailable", message: "Try again later", request_id: "r" }], 201) };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo INVALID_RESPONSE: Belvo listed transactions with one that is not a transaction" });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
      fault = null;
      await runSyncJob(a.svc, { jobId: a.jobId, attempt: 2 });
      expect(await jobStats(a.jobId)).toMatchObject({ status: "completed", stats: { created: 0, removed: 0 } });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
      expect(await ledgerViolations(s.spaceId)).toEqual([]);
    } finally {
      fault = null;
    }
  });

  it("a paginated list is read through `next` on Belvo's host; a `next` on another host is not followed and sends it nothing", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    const ledger = await ledgerFingerprint(s.spaceId);
    // Belvo's own list, cut into two pages: the first answers the POST, the second a GET of `nextUrl`.
    let all: unknown[] = [];
    let nextUrl = "";
    let secondPages = 0;
    const half = () => Math.ceil(all.length / 2);
    fault = {
      path: "/api/transactions/", who: "", seen: 0,
      answer: async (request, real) => {
        if (request.method === "GET") {
          secondPages++;
          return json({ count: all.length, next: null, previous: all.length ? nextUrl : null, results: all.slice(half()) });
        }
        all = (await (await real()).json()) as unknown[];
        return json({ count: all.length, next: nextUrl, previous: null, results: all.slice(0, half()) }, 201);
      },
    };
    const base = env.BELVO_BASE_URL.replace(/\/+$/, "");
    try {
      nextUrl = `${base}/api/transactions/?link=x&page=2`;
      const a = await attempt(s.connectionId);
      expect(secondPages).toBe(1);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "completed", stats: { created: 0, removed: 0 } });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);

      // The same list whose `next` is on another host, or off Belvo's API on its host: not followed, the attempt retried.
      const outside = (host: string) =>
        `attempt 1: belvo INVALID_RESPONSE: Belvo's list of transactions names a next page outside Belvo's API (on ${host}), which is not followed`;
      for (const [url, host] of [["https://belvo.attacker.example/api/transactions/?page=2", "belvo.attacker.example"], [`${new URL(base).origin}/elsewhere/api/transactions/?page=2`, new URL(base).host]]) {
        nextUrl = url!;
        secondPages = 0;
        const b = await attempt(s.connectionId);
        expect(offHost).toEqual([]);
        expect(secondPages).toBe(0);
        expect(await jobStats(b.jobId)).toMatchObject({ status: "queued", error: outside(host!) });
        expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
        await env.DB.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").bind(b.jobId).run();
      }

      // A `next` naming the page just read: the list would never end.
      nextUrl = `${base}/api/transactions/?link=x&page=2`;
      fault.answer = async (request, real) => {
        if (request.method === "GET") {
          secondPages++;
          return json({ count: all.length + 1, next: nextUrl, previous: null, results: all.slice(0, 1) });
        }
        all = (await (await real()).json()) as unknown[];
        return json({ count: all.length + 1, next: nextUrl, previous: null, results: all }, 201);
      };
      secondPages = 0;
      const c = await attempt(s.connectionId);
      expect(secondPages).toBe(1);
      expect(await jobStats(c.jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo INVALID_RESPONSE: Belvo's list of transactions names a next page it already gave" });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
      await env.DB.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").bind(c.jobId).run();

      // An empty page naming yet another (page=3, 4, ...): a list that may never end.
      fault.answer = async (request, real) => {
        if (request.method === "GET") {
          secondPages++;
          return json({ count: 9999, next: `${base}/api/transactions/?link=x&page=${secondPages + 2}`, previous: null, results: [] });
        }
        return json({ count: 9999, next: nextUrl, previous: null, results: (await (await real()).json()) as unknown[] }, 201);
      };
      secondPages = 0;
      const d = await attempt(s.connectionId);
      expect(secondPages).toBe(1);
      expect(await jobStats(d.jobId)).toMatchObject({ status: "queued", error: "attempt 1: belvo INVALID_RESPONSE: Belvo's list of transactions gave an empty page naming a next one" });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
    } finally {
      fault = null;
    }
  });
});

describe("Bitso's user_trades marker", () => {
  it("a marker Bitso does not honour (the same page again): the attempt stops at the second page and is retried, no trade twice", { timeout: 90_000 }, async () => {
    const s = await bitsoLinked();
    const ledger = await ledgerFingerprint(s.spaceId);
    const trades = (await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id LIKE 'trade:%' AND status != 'cancelled'").bind(s.spaceId).first<{ n: number }>())!.n;
    expect(trades).toBeGreaterThan(0);
    // A full page (100 trades, the page size) whatever the marker: the first page's newest trade, again and again.
    let newest: unknown = null;
    fault = {
      path: "/v3/user_trades/", who: s.who, seen: 0,
      answer: async (request, real) => {
        newest ??= ((await (await real()).json()) as { payload: unknown[] }).payload[0];
        return json({ success: true, payload: Array.from({ length: 100 }, () => newest) });
      },
    };
    try {
      const a = await attempt(s.connectionId);
      expect(fault.seen).toBe(2);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued" });
      expect((await jobStats(a.jobId)).error).toMatch(/^attempt 1: bitso INVALID_RESPONSE: Bitso's user_trades did not page past marker \d+: the pages would repeat$/);
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
      expect(await ledgerViolations(s.spaceId)).toEqual([]);
    } finally {
      fault = null;
    }
  });
});

describe("a provider's 4xx that means not now", () => {
  const refusal = (status: number, body: unknown) => () => json(body, status);

  it("Plaid's INSTITUTION_DOWN and a mutation during pagination past the client's restarts (400s) are retried, the connection not in error", { timeout: 90_000 }, async () => {
    const s = await plaidLinked();
    const institutionDown = { error_type: "INSTITUTION_ERROR", error_code: "INSTITUTION_DOWN", error_message: "this institution is not currently responding to this request", display_message: null, request_id: "r" };
    const mutation = { error_type: "TRANSACTIONS_ERROR", error_code: "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION", error_message: "Underlying transaction data changed", display_message: null, request_id: "r" };
    for (const [body, reason] of [
      [institutionDown, "attempt 1: plaid INSTITUTION_DOWN: this institution is not currently responding to this request"],
      [mutation, "attempt 1: plaid TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION: Underlying transaction data changed"],
    ] as const) {
      fault = { path: "/transactions/sync", who: s.accessToken, seen: 0, answer: refusal(400, body) };
      try {
        const a = await attempt(s.connectionId);
        expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: reason });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: `retrying: ${reason}` });
        fault = null;
        await runSyncJob(a.svc, { jobId: a.jobId, attempt: 2 });
        expect(await jobStats(a.jobId)).toMatchObject({ status: "completed" });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "active", status_reason: null });
      } finally {
        fault = null;
      }
    }
  });

  it("Belvo's institution_down (400) and request_timeout (408) are retried; its login_error (400) asks for the login again", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    for (const [status, code] of [[400, "institution_down"], [408, "request_timeout"]] as const) {
      fault = { path: "/api/transactions/", who: s.who, seen: 0, answer: refusal(status, [{ code, message: "Try again later", request_id: "r" }]) };
      try {
        const a = await attempt(s.connectionId);
        expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: `attempt 1: belvo ${code}: Try again later` });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "active" });
        await env.DB.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").bind(a.jobId).run();
      } finally {
        fault = null;
      }
    }
    fault = { path: "/api/transactions/", who: s.who, seen: 0, answer: refusal(400, [{ code: "login_error", message: "Invalid credentials provided to login to the institution", request_id: "r" }]) };
    try {
      const a = await attempt(s.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "failed", error: "belvo login_error: Invalid credentials provided to login to the institution" });
      expect(await connRow(s.connectionId)).toMatchObject({ status: "reauth_required" });
    } finally {
      fault = null;
    }
  });
});

describe("a Plaid item whose user withdrew the access it granted", () => {
  // Plaid restores such an item through Link's update mode: the person's action, as for ITEM_LOGIN_REQUIRED.
  it("USER_PERMISSION_REVOKED and ACCESS_NOT_GRANTED ask for the login again (reauth_required), not an error nobody can act on", { timeout: 90_000 }, async () => {
    for (const code of ["USER_PERMISSION_REVOKED", "ACCESS_NOT_GRANTED"]) {
      const s = await plaidLinked();
      const body = { error_type: "ITEM_ERROR", error_code: code, error_message: "the user revoked access", display_message: null, request_id: "r" };
      fault = { path: "/transactions/sync", who: s.accessToken, seen: 0, answer: () => json(body, 400) };
      try {
        const a = await attempt(s.connectionId);
        expect(await jobStats(a.jobId)).toMatchObject({ status: "failed", error: `plaid ${code}: the user revoked access` });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "reauth_required" });
      } finally {
        fault = null;
      }
    }
  });
});

describe("what the pages say of one transaction", () => {
  /** A Plaid item linked, its checking account's Plaid id, and a fault answering its next sync with `pages` (by cursor). */
  async function plaidPages() {
    const s = await plaidLinked();
    const checking = (await new PlaidClient(env).accountsGet(s.accessToken)).accounts.find((a) => a.type === "depository")!.account_id;
    return { ...s, checking };
  }
  const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

  it("Plaid: added then modified on a later page is the modified one; added then removed is not posted; a re-sync changes nothing", { timeout: 90_000 }, async () => {
    const s = await plaidPages();
    const changed = plaidTxn(`chg-${crypto.randomUUID()}`, s.checking, 5, day);
    const gone = plaidTxn(`gone-${crypto.randomUUID()}`, s.checking, 8, day);
    fault = {
      path: "/transactions/sync", who: s.accessToken, seen: 0,
      answer: async (request) => {
        const cursor = ((await request.json()) as { cursor?: string }).cursor;
        if (cursor === "q2") return json({ ...page([], "q3", false), modified: [{ ...changed, amount: 9 }], removed: [{ transaction_id: gone.transaction_id, account_id: s.checking }] });
        if (cursor === "q3") return json(page([], "q3", false));
        return json(page([changed, gone], "q2", true));
      },
    };
    try {
      const a = await attempt(s.connectionId);
      expect((await jobStats(a.jobId)).status).toBe("completed");
      const rows = (await liveRows(s.spaceId)).filter((r) => r.pid === changed.transaction_id || r.pid === gone.transaction_id);
      expect(rows.map((r) => [r.pid, r.amount])).toEqual([[changed.transaction_id, -900]]);
      expect(await ledgerViolations(s.spaceId)).toEqual([]);
      const ledger = await ledgerFingerprint(s.spaceId);
      const again = await attempt(s.connectionId);
      expect((await jobStats(again.jobId)).stats).toMatchObject({ created: 0, removed: 0, corrections: 0 });
      expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
    } finally {
      fault = null;
    }
  });

  it("Belvo: a transaction listed twice with two amounts is the later listing's, once", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    let pid = "";
    fault = {
      path: "/api/transactions/", who: s.who, seen: 0,
      answer: async (request, real) => {
        const list = (await (await real()).json()) as { id: string; amount: number; status: string }[];
        const t = list.find((x) => x.status === "PROCESSED")!;
        const copy = { ...t, id: `twice-${t.id}` };
        pid = copy.id;
        return json([...list, { ...copy, amount: 1.23 }, { ...copy, amount: 4.56 }], 201);
      },
    };
    try {
      const a = await attempt(s.connectionId);
      expect((await jobStats(a.jobId)).status).toBe("completed");
      const rows = (await liveRows(s.spaceId)).filter((r) => r.pid === pid);
      expect(rows.length).toBe(1);
      expect(Math.abs(rows[0]!.amount)).toBe(456);
      expect(await ledgerViolations(s.spaceId)).toEqual([]);
    } finally {
      fault = null;
    }
  });

  // One finer than its currency (1.005) is rounded half-even to the cent now, as Plaid's doubles may carry any places
  // (plaid-real-shapes.test.ts); one that is no decimal at all still fails the sync.
  it("an amount that is no decimal (none at all, a word) fails the sync with INVALID_AMOUNT, nothing of it stored", { timeout: 90_000 }, async () => {
    const s = await plaidPages();
    for (const [amount, shown] of [[null, "null"], ["1,5", '"1,5"']] as const) {
      const t = plaidTxn(`amt-${crypto.randomUUID()}`, s.checking, amount as unknown as number, day);
      fault = { path: "/transactions/sync", who: s.accessToken, seen: 0, answer: () => json(page([t], "z", false)) };
      try {
        const ledger = await ledgerFingerprint(s.spaceId);
        const a = await attempt(s.connectionId);
        const reason = `plaid INVALID_AMOUNT: Amount ${shown} is not exact in USD`;
        expect(await jobStats(a.jobId)).toMatchObject({ status: "failed", error: reason });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "error", status_reason: reason });
        expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
        await env.DB.prepare("UPDATE provider_connections SET status = 'active', status_reason = NULL WHERE id = ?").bind(s.connectionId).run();
      } finally {
        fault = null;
      }
    }
  });

  it("a date that is not a calendar day (2024-02-30, a word) fails the sync with INVALID_DATE, nothing of it stored, not a crash retried", { timeout: 90_000 }, async () => {
    const s = await plaidPages();
    for (const bad of ["2024-02-30", "garbage!!!"]) {
      const t = plaidTxn(`bad-${crypto.randomUUID()}`, s.checking, 5, bad);
      fault = { path: "/transactions/sync", who: s.accessToken, seen: 0, answer: () => json(page([t], "z", false)) };
      try {
        const ledger = await ledgerFingerprint(s.spaceId);
        const a = await attempt(s.connectionId);
        const reason = `plaid INVALID_DATE: The provider dated transaction ${t.transaction_id} "${bad}", which is not a day in the years 1800 to 2999`;
        expect(await jobStats(a.jobId)).toMatchObject({ status: "failed", error: reason });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "error", status_reason: reason });
        expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
        await env.DB.prepare("UPDATE provider_connections SET status = 'active', status_reason = NULL WHERE id = ?").bind(s.connectionId).run();
      } finally {
        fault = null;
      }
    }
  });
});

describe("a provider's redirect", () => {
  it("is not followed by any client (its credentials would go where it points): the answer is a REDIRECT error naming it", async () => {
    const seen: { url: string; redirect: string }[] = [];
    // The network as the clients see it: every request answered with a redirect to another host.
    const send = async (request: Request) => {
      seen.push({ url: request.url, redirect: request.redirect });
      return new Response(null, { status: 307, headers: { location: "https://collector.example/steal" } });
    };
    const failures = [
      await new PlaidClient(env, send).transactionsSync("access-sandbox-x", undefined).catch((e) => e),
      await new BelvoClient(env, send).accounts("link-x").catch((e) => e),
      await new BitsoClient(env, "key", "secret", async () => Date.now(), send).balances().catch((e) => e),
    ];
    const sneaks = await new SneaksClient(send, "https://sneaks.example", "sneaks-key").search("jordan", 5).catch((e) => e);
    expect(seen.map((r) => r.redirect)).toEqual(["manual", "manual", "manual", "manual"]);
    expect([sneaks.status, sneaks.code, sneaks.message]).toEqual([502, "PROVIDER_ERROR", "sneaks: answered with a redirect (HTTP 307), which is not followed"]);
    expect(failures.map((e) => (e instanceof ProviderError ? [e.provider, e.status, e.code, e.message, e.transient] : String(e)))).toEqual([
      ["plaid", 307, "REDIRECT", "Plaid answered with a redirect (HTTP 307), which is not followed", false],
      ["belvo", 307, "REDIRECT", "Belvo answered with a redirect (HTTP 307), which is not followed", false],
      ["bitso", 307, "REDIRECT", "Bitso answered with a redirect (HTTP 307), which is not followed", false],
    ]);
  });
});

describe("a 200 that is not the answer asked for", () => {
  it("Plaid's /accounts/get and Bitso's balance without their lists: INVALID_RESPONSE, retried, not a crash's message", { timeout: 90_000 }, async () => {
    const p = await plaidLinked();
    fault = { path: "/accounts/get", who: p.accessToken, seen: 0, answer: () => json({ error_code: "INTERNAL_SERVER_ERROR", error_message: "oops", request_id: "r" }) };
    try {
      const a = await attempt(p.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: plaid INVALID_RESPONSE: Plaid's /accounts/get answered without its item and accounts" });
    } finally {
      fault = null;
    }
    const b = await bitsoLinked();
    fault = { path: "/v3/balance/", who: b.who, seen: 0, answer: () => json({ success: true, payload: { balance: [] } }) };
    try {
      const a = await attempt(b.connectionId);
      expect(await jobStats(a.jobId)).toMatchObject({ status: "queued", error: "attempt 1: bitso INVALID_RESPONSE: Bitso's balance answered without a list of balances" });
      expect(await connRow(b.connectionId)).toMatchObject({ status: "active" });
    } finally {
      fault = null;
    }
  });
});

describe("Bitso's trades past a hundred pages", () => {
  it.each([
    [10_050, 101, "51"],
    // A page boundary at the exact page size: 101 full pages, then an empty one.
    [10_100, 102, "1"],
  ])("are all read: %i trades in %i requests, each once", async (total, requests, lastMarker) => {
    const markers: (string | null)[] = [];
    // Bitso's user_trades as the client sends for it: newest first, the trades older than `marker`, `limit` of them.
    const send = async (request: Request) => {
      const q = new URL(request.url).searchParams;
      const marker = q.get("marker");
      markers.push(marker);
      const below = marker === null ? total + 1 : Number(marker);
      const limit = Number(q.get("limit"));
      const payload = [];
      for (let tid = below - 1; tid >= 1 && payload.length < limit; tid--) {
        payload.push({ book: "btc_mxn", major: "0.00000001", minor: "-0.01", price: "1000000.00", fees_amount: "0.00", fees_currency: "mxn", side: "buy", tid, oid: `o${tid}`, created_at: "2026-01-01T00:00:00+00:00", maker_side: "buy" });
      }
      return Response.json({ success: true, payload });
    };
    let nonce = 0;
    const trades = await new BitsoClient(env, "key", "secret", async () => ++nonce, send).allTrades(100);
    expect(trades.length).toBe(total);
    expect(new Set(trades.map((t) => t.tid)).size).toBe(total);
    expect(markers.length).toBe(requests);
    expect(markers.at(-1)).toBe(lastMarker);
  });
});

describe("a Belvo amount that carries a sign", () => {
  // Belvo's amounts are unsigned, the direction in `type`: "-12.50" with OUTFLOW was stored as a 12.50 inflow.
  it("(\"-12.50\", \"+12\", \"-0\", -12.5) fails the sync with INVALID_AMOUNT, the connection in error, nothing of it stored", { timeout: 120_000 }, async () => {
    const s = await belvoLinked();
    for (const amount of ["-12.50", "+12", "-0", " -3", -12.5]) {
      let pid = "";
      fault = {
        path: "/api/transactions/", who: s.who, seen: 0,
        answer: async (_request, real) => {
          const list = (await (await real()).json()) as { id: string; status: string }[];
          const t = list.find((x) => x.status === "PROCESSED")!;
          pid = `signed-${crypto.randomUUID()}`;
          return json([...list, { ...t, id: pid, amount, type: "OUTFLOW" }], 201);
        },
      };
      try {
        const ledger = await ledgerFingerprint(s.spaceId);
        const a = await attempt(s.connectionId);
        const reason = `belvo INVALID_AMOUNT: Amount ${JSON.stringify(amount)} carries a sign; Belvo's amounts are unsigned, their direction in the type`;
        expect(await jobStats(a.jobId)).toMatchObject({ status: "failed", error: reason });
        expect(await connRow(s.connectionId)).toMatchObject({ status: "error", status_reason: reason });
        expect((await liveRows(s.spaceId)).filter((r) => r.pid === pid)).toEqual([]);
        expect(await ledgerFingerprint(s.spaceId)).toEqual(ledger);
        await env.DB.prepare("UPDATE provider_connections SET status = 'active', status_reason = NULL WHERE id = ?").bind(s.connectionId).run();
      } finally {
        fault = null;
      }
    }
    // An unsigned amount is still taken, its direction from its type.
    let pid = "";
    fault = {
      path: "/api/transactions/", who: s.who, seen: 0,
      answer: async (_request, real) => {
        const list = (await (await real()).json()) as { id: string; status: string }[];
        const t = list.find((x) => x.status === "PROCESSED")!;
        pid = `unsigned-${crypto.randomUUID()}`;
        return json([...list, { ...t, id: pid, amount: "12.50", type: "OUTFLOW" }], 201);
      },
    };
    try {
      const a = await attempt(s.connectionId);
      expect((await jobStats(a.jobId)).status).toBe("completed");
      expect((await liveRows(s.spaceId)).filter((r) => r.pid === pid).map((r) => r.amount)).toEqual([-1250]);
    } finally {
      fault = null;
    }
  });
});

describe("a provider's long text in an error", () => {
  it("a Belvo amount of 5,000 characters is shown cut to its first 200, quoted, in the job's error and the connection's reason", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    const amount = `1.${"5".repeat(5000)}`;
    fault = {
      path: "/api/transactions/", who: s.who, seen: 0,
      answer: async (_request, real) => {
        const list = (await (await real()).json()) as { id: string; status: string }[];
        const t = list.find((x) => x.status === "PROCESSED")!;
        return json([...list, { ...t, id: `long-${crypto.randomUUID()}`, amount, type: "INFLOW" }], 201);
      },
    };
    try {
      const a = await attempt(s.connectionId);
      const job = await jobStats(a.jobId);
      expect(job.status).toBe("failed");
      expect(job.error).toMatch(new RegExp(`^belvo INVALID_AMOUNT: Amount "1\\.5{${MAX_PROVIDER_TEXT - 2}}" is not exact in [A-Z]{3}$`));
      expect((await connRow(s.connectionId))!.status_reason).toBe(job.error);
    } finally {
      fault = null;
    }
  });

  it("a provider's error code and message of thousands of characters are cut to MAX_PROVIDER_TEXT (Belvo, Bitso, Plaid)", async () => {
    const code = "c".repeat(3000);
    const message = "m".repeat(9000);
    const failures = [
      await new BelvoClient(env, async () => Response.json([{ code, message, request_id: "r" }], { status: 400 })).accounts("link-x").catch((e) => e),
      await new BitsoClient(env, "key", "secret", async () => Date.now(), async () => Response.json({ success: false, error: { code, message } }, { status: 400 })).balances().catch((e) => e),
      await new PlaidClient(env, async () => Response.json({ error_type: "X", error_code: code, error_message: message, request_id: "r" }, { status: 400 })).transactionsSync("access-x", undefined).catch((e) => e),
    ];
    expect(failures.map((e) => (e instanceof ProviderError ? [e.provider, e.code, e.message] : String(e)))).toEqual([
      ["belvo", "c".repeat(MAX_PROVIDER_TEXT), "m".repeat(MAX_PROVIDER_TEXT)],
      ["bitso", "c".repeat(MAX_PROVIDER_TEXT), "m".repeat(MAX_PROVIDER_TEXT)],
      ["plaid", "c".repeat(MAX_PROVIDER_TEXT), "m".repeat(MAX_PROVIDER_TEXT)],
    ]);
  });
});

describe("a list that never ends", () => {
  // Each page new and full, each going past the last: only a cap on the pages ends it. The cap here is 5 (MAX_PAGES,
  // 10,000, in a sync); the simulated provider gives up at 50 pages, so that a client without a cap still ends.
  const CAP = 5;
  const GIVE_UP = 50;
  const tooMany = (provider: string, what: string) => [provider, 0, "INVALID_RESPONSE", `${what} went on past ${CAP} pages: it is not read whole`, true];
  const shown = (e: unknown) => (e instanceof ProviderError ? [e.provider, e.status, e.code, e.message, e.transient] : `no error: ${Array.isArray(e) ? `${e.length} read` : String(e)}`);

  it("Belvo, Bitso and Plaid stop at the cap with INVALID_RESPONSE (retried), never a shorter list; each page beats the heartbeat", async () => {
    expect(MAX_PAGES).toBe(10_000);
    const base = env.BELVO_BASE_URL.replace(/\/+$/, "");
    let requests = 0;
    let beats = 0;
    const onPage = async () => void beats++;
    const belvoTxn = (i: number) => ({ id: `t${i}`, account: { id: "a" }, amount: "1.00", currency: "MXN", type: "INFLOW", status: "PROCESSED", value_date: "2026-01-01", description: "x" });
    const belvo = new BelvoClient(env, async () => {
      requests++;
      return Response.json({ count: 1e9, next: requests < GIVE_UP ? `${base}/api/transactions/?page=${requests + 1}` : null, previous: null, results: [belvoTxn(requests)] }, { status: requests === 1 ? 201 : 200 });
    });
    expect(shown(await belvo.transactions("link-x", "2026-01-01", "2026-02-01", { onPage, maxPages: CAP }).catch((e) => e))).toEqual(tooMany("belvo", "Belvo's list of transactions"));
    expect([requests, beats]).toEqual([CAP, CAP]);

    requests = 0;
    beats = 0;
    const bitso = new BitsoClient(env, "key", "secret", async () => ++requests, async (request) => {
      const marker = new URL(request.url).searchParams.get("marker");
      const below = marker === null ? 2 ** 40 : Number(marker);
      const payload = Array.from({ length: below > 2 ** 40 - 100 * GIVE_UP ? 100 : 1 }, (_, i) => ({ book: "btc_mxn", major: "0.1", minor: "-1", price: "10", fees_amount: "0", fees_currency: "mxn", side: "buy", tid: below - 1 - i, oid: "o", created_at: "2026-01-01T00:00:00+00:00", maker_side: "buy" }));
      return Response.json({ success: true, payload });
    });
    expect(shown(await bitso.allTrades(100, onPage, CAP).catch((e) => e))).toEqual(tooMany("bitso", "Bitso's user_trades"));
    expect([requests, beats]).toEqual([CAP, CAP]);

    requests = 0;
    beats = 0;
    const plaid = new PlaidClient(env, async () => {
      requests++;
      return Response.json(page([], `cursor-${requests}`, requests < GIVE_UP));
    });
    expect(shown(await plaid.syncAll("access-x", null, { onPage, maxPages: CAP }).catch((e) => e))).toEqual(tooMany("plaid", "Plaid's /transactions/sync"));
    expect([requests, beats]).toEqual([CAP, CAP]);
  });

  it("a Belvo sync beats the heartbeat after each page of its accounts and of its transactions", { timeout: 90_000 }, async () => {
    const s = await belvoLinked();
    const { svc } = directServices();
    const conn = (await getConnection(svc, s.connectionId))!;
    let beats = 0;
    const fetched = await fetchBelvo({ ...svc, progress: async () => void beats++ }, conn);
    expect(fetched.changes.upserts.length).toBeGreaterThan(0);
    expect(beats).toBeGreaterThanOrEqual(2);
  });
});
