/**
 * What a provider lists in a currency with no asset here (CHF, USDT), and a transaction in a currency other than its
 * account's, are left out of the ledger (an amount is never booked in another currency) and told: the sync's job and
 * its connection list them by currency (`unsupported`), and the job's message says how many. They used to vanish in
 * silence, a transaction in EUR on a USD account was booked as dollars, and a code such as "constructor" (a key of
 * every object's prototype) passed for a currency. Through the real clients and sync, the simulators' answers altered
 * on their way in (the simulators themselves send only supported currencies, Bitso's USDT balance aside).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { addMember, callJson, registerUser } from "../helpers";
import { as, belvoLinked, bitsoLinked, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

/** Rewrites the JSON answers of requests whose path ends with `path` (the request's body or Authorization naming `who`). */
const sandbox = rewritingSandbox();

const job = async (owner: Parameters<typeof as>[0], jobId: string) => {
  const res = await callJson(`/v1/sync-jobs/${jobId}`, as(owner));
  expect(res.status).toBe(200);
  return res.body;
};
const connection = async (owner: Parameters<typeof as>[0], spaceId: string, id: string) => {
  const res = await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner));
  expect(res.status).toBe(200);
  return res.body.connections.find((c: any) => c.id === id);
};
const stored = async (spaceId: string, pids: string[]) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id IN (${pids.map(() => "?").join(",")})`).bind(spaceId, ...pids).first<{ n: number }>())!.n;

describe("provider currencies that cannot be imported", () => {
  it("Plaid: an account and transactions in other currencies are left out and told, by currency, on the job and the connection", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const linked = await linkPlaid(owner, spaceId);
    expect((await waitForJob(linked.jobId)).status).toBe("completed");
    expect((await connection(owner, spaceId, linked.connection.id)).unsupported).toEqual([]);
    const token = await plaidAccessToken(linked.connection.id);
    await plaidControl("transactions/advance", { access_token: token, generations: 1 });
    let usdAccount = "";
    const txn = (id: string, account: string, amount: number, iso: string | null, unofficial: string | null = null) => ({
      account_id: account, amount, iso_currency_code: iso, unofficial_currency_code: unofficial, category: null, category_id: null, date: "2026-11-30",
      authorized_date: null, name: `Left out ${id}`, merchant_name: null, original_description: null, pending: false, pending_transaction_id: null,
      transaction_id: id, payment_channel: "other", transaction_type: "special", location: {}, payment_meta: {},
    });
    const ids = ["lo-chf-1", "lo-chf-2", "lo-eur-on-usd", "lo-proto", "lo-usdt"];
    sandbox.list = [
      {
        path: "/accounts/get", who: token,
        alter: (b) => {
          usdAccount = b.accounts.find((a: any) => a.balances.iso_currency_code === "USD").account_id;
          const chf = { ...b.accounts[0], account_id: "acc-chf", mask: "7777", name: "Swiss savings", balances: { ...b.accounts[0].balances, iso_currency_code: "CHF" } };
          return { ...b, accounts: [...b.accounts, chf] };
        },
      },
      {
        path: "/transactions/sync", who: token,
        alter: (b) => ({
          ...b,
          added: [
            ...b.added,
            txn(ids[0]!, "acc-chf", 12.5, "CHF"), txn(ids[1]!, "acc-chf", 3, "CHF"),
            // EUR is a currency here, but not this dollar account's: 40 euros are not 40 dollars.
            txn(ids[2]!, usdAccount || b.added[0].account_id, 40, "EUR"),
            txn(ids[3]!, usdAccount || b.added[0].account_id, 1, "constructor"),
            txn(ids[4]!, usdAccount || b.added[0].account_id, 5, null, "USDT"),
          ],
        }),
      },
    ];
    const jobId = await syncNow(linked.connection.id);
    const done = await job(owner, jobId);
    expect(done.status).toBe("completed");
    const expected = [
      { currency: "CHF", accounts: 1, transactions: 2 },
      { currency: "CONSTRUCTOR", accounts: 0, transactions: 1 },
      { currency: "EUR", accounts: 0, transactions: 1 },
      { currency: "USDT", accounts: 0, transactions: 1 },
    ];
    expect(done.unsupported).toEqual(expected);
    expect(done.message).toMatch(/6 items in currencies that cannot be imported were left out \(CHF, CONSTRUCTOR, EUR, USDT\)$/);
    expect((await connection(owner, spaceId, linked.connection.id)).unsupported).toEqual(expected);
    expect(await stored(spaceId, ids)).toBe(0);
    const accounts = await callJson(`/v1/accounts?spaceId=${spaceId}`, as(owner));
    expect(JSON.stringify(accounts.body)).not.toContain("Swiss savings");
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // To a member who reads Spanish, the same job's words.
    const reader = await registerUser({ locale: "es" });
    await addMember(owner, spaceId, reader, "member");
    const es = await callJson(`/v1/sync-jobs/${jobId}`, as(reader));
    expect(es.body.message).toMatch(/Se omitieron 6 elementos en monedas que no se pueden importar \(CHF, CONSTRUCTOR, EUR, USDT\)$/);

    // A later sync with nothing left out clears the connection's list.
    sandbox.list = [];
    const next = await syncNow(linked.connection.id);
    expect((await job(owner, next)).unsupported).toEqual([]);
    expect((await connection(owner, spaceId, linked.connection.id)).unsupported).toEqual([]);
  });

  it("Belvo: a new transaction in a currency other than its account's is left out, not booked as pesos", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    sandbox.list = [
      {
        path: "/api/transactions/", who,
        alter: (list: any[]) => [...list, { ...list[0], id: "belvo-usd-on-mxn", amount: 250, currency: "USD", type: "OUTFLOW", description: "Dollar charge" }],
      },
      { path: "/api/accounts/", who, alter: (list: any[]) => [...list, { ...list[0], id: "belvo-acc-ars", name: "Cuenta en pesos argentinos", currency: "XAR" }] },
    ];
    const jobId = await syncNow(connectionId);
    const done = await job(owner, jobId);
    expect(done.status).toBe("completed");
    expect(done.unsupported).toEqual([{ currency: "USD", accounts: 0, transactions: 1 }, { currency: "XAR", accounts: 1, transactions: 0 }]);
    expect(await stored(spaceId, ["belvo-usd-on-mxn"])).toBe(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("Belvo: a transaction of an account left out (its currency has no asset here) is told, though its own currency has one", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    sandbox.list = [
      { path: "/api/accounts/", who, alter: (list: any[]) => [...list, { ...list[0], id: "belvo-acc-ars", name: "Cuenta en pesos argentinos", currency: "XAR" }] },
      {
        path: "/api/transactions/", who,
        // In pesos, on the account that is not imported: no account here to book it in.
        alter: (list: any[]) => [...list, { ...list[0], id: "belvo-mxn-on-xar", account: { ...list[0].account, id: "belvo-acc-ars" }, currency: "MXN", description: "Cargo" }],
      },
    ];
    const done = await job(owner, await syncNow(connectionId));
    expect(done.status).toBe("completed");
    expect(done.unsupported).toEqual([{ currency: "MXN", accounts: 0, transactions: 1 }, { currency: "XAR", accounts: 1, transactions: 0 }]);
    expect(await stored(spaceId, ["belvo-mxn-on-xar"])).toBe(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("Belvo: an account whose category is a prototype key (\"constructor\") is imported as an account of type other", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    sandbox.list = [{ path: "/api/accounts/", who, alter: (list: any[]) => [...list, { ...list[0], id: "belvo-acc-proto", name: "Cuenta rara", category: "constructor" }] }];
    const done = await job(owner, await syncNow(connectionId));
    expect(done.status).toBe("completed");
    const accounts = await callJson(`/v1/accounts?spaceId=${spaceId}`, as(owner));
    const list = (accounts.body.accounts ?? accounts.body.data ?? accounts.body) as { name: string; type: string }[];
    expect(list.find((a) => a.name === "Cuenta rara")?.type).toBe("other");
  });

  it("Bitso: the USDT balance and a trade on a USDT book are told; the trade's peso leg is not booked alone", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await bitsoLinked();
    // The simulator's key holds USDT, which has no asset here: the first sync says so.
    const first = await connection(owner, spaceId, connectionId);
    expect(first.unsupported).toEqual([{ currency: "USDT", accounts: 1, transactions: 0 }]);
    sandbox.list = [
      {
        path: "/v3/user_trades/", who,
        alter: (b) => b.payload.length === 0 ? b : {
          ...b,
          payload: [{ ...b.payload[0], tid: 9_999_999_999, book: "usdt_mxn", major: "10.000000", minor: "-171.50", fees_currency: "usdt", fees_amount: "0.010000" }, ...b.payload],
        },
      },
    ];
    const jobId = await syncNow(connectionId);
    const done = await job(owner, jobId);
    expect(done.status).toBe("completed");
    expect(done.unsupported).toEqual([{ currency: "USDT", accounts: 1, transactions: 1 }]);
    expect(done.message).toMatch(/2 items in currencies that cannot be imported were left out \(USDT\)$/);
    expect(await stored(spaceId, ["trade:9999999999"])).toBe(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});
