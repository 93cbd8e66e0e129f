/**
 * Belvo's payloads as Belvo's own OpenAPI (belvo-finance's "Belvo API Docs" 1.35, its Transaction and Account
 * schemas) writes them, through the real connect, client and sync (the simulator's answers altered on their way in):
 * - `amount` is a JSON number of 2 to 4 decimals (`^\d{1,15}\.\d{2,4}$`), balances floats: one finer than a cent
 *   failed the whole sync (INVALID_AMOUNT). Now rounded half-even once, as the Bitso adapter does; what is left
 *   against Belvo's balance is the sync's balance adjustment.
 * - the merchant's name is `merchant.merchant_name`: the adapter read `merchant.name`, so every merchant was null,
 *   and pending/posted matching (by amount, day and merchant) took any merchant for any other.
 * - `value_date` may be null (the day is then the `accounting_date`'s, an instant), and an account's `currency` may be
 *   null: either refused the whole list, so no sync of the link could complete.
 * - `balance_type` (ASSET, LIABILITY) says whether a balance is owed: an UNCATEGORIZED liability was booked as money held.
 * - `date_to` "cannot be greater than today's date": the sync asked for 40 days ahead, which Belvo refuses (400), so
 *   no sync could complete; the simulator now refuses it as Belvo does, and dates its generations in the past.
 * - a link whose password changed is answered `invalid_link` (400): the connection went to `error`, where the user
 *   is never asked to repair it; it is `reauth_required`, as for token_required.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { call, callJson } from "../helpers";
import { as, belvoBankBalances, belvoLinked, connRow, ledgerBalances, syncNow } from "./helpers";

const sandbox = rewritingSandbox();

const job = async (owner: Parameters<typeof as>[0], jobId: string) => {
  const res = await callJson(`/v1/sync-jobs/${jobId}`, as(owner));
  expect(res.status).toBe(200);
  return res.body;
};
const row = (spaceId: string, pid: string) =>
  env.DB.prepare("SELECT amount, status, date, merchant_name, description FROM transactions WHERE space_id = ? AND provider_transaction_id = ? AND status != 'cancelled'")
    .bind(spaceId, pid)
    .first<{ amount: number; status: string; date: number; merchant_name: string | null; description: string }>();
const accountOf = async (connectionId: string, providerAccountId: string) =>
  (await env.DB.prepare("SELECT account_id FROM provider_accounts WHERE connection_id = ? AND provider_account_id = ?").bind(connectionId, providerAccountId).first<{ account_id: string }>())
    ?.account_id;

describe("Belvo's real payload shapes", () => {
  it("no day after today is asked for: Belvo refuses a future date_to, and the syncs complete with each generation's news", { timeout: 90_000 }, async () => {
    const { owner, connectionId, who, spaceId } = await belvoLinked();
    const authorization = `Basic ${btoa(`${env.BELVO_SECRET_ID}:${env.BELVO_SECRET_PASSWORD}`)}`;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const refused = await callJson("/sandbox/belvo/api/transactions/", { headers: { authorization }, body: { link: who, date_from: weekAgo, date_to: tomorrow } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual([{ code: "invalid", message: expect.stringContaining("date_to"), request_id: expect.stringMatching(/^[a-f0-9]{32}$/) }]);
    const before = (await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id NOT LIKE 'balance#%'").bind(spaceId).first<{ n: number }>())!.n;
    expect((await call("/sandbox/belvo/sandbox/links/advance", { body: { link: who, generations: 1 } })).status).toBe(200);
    const jobId = await syncNow(connectionId);
    expect((await job(owner, jobId)).status).toBe("completed");
    const after = (await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id NOT LIKE 'balance#%'").bind(spaceId).first<{ n: number }>())!.n;
    expect(after).toBeGreaterThan(before);
    expect(await ledgerBalances(spaceId)).toEqual(await belvoBankBalances(connectionId));
  });

  it("amounts and balances finer than a cent are rounded half-even once, the sync completes and the balances are Belvo's", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    let checking = "";
    let simulated = 0;
    sandbox.list = [
      {
        path: "/api/transactions/", who,
        alter: (list: any[]) => {
          const base = list.find((t) => t.account.category === "CHECKING_ACCOUNT");
          checking = base.account.id;
          const processed = { ...base, status: "PROCESSED" };
          return [
            ...list,
            { ...processed, id: "belvo-subcent-out", amount: 123.455, type: "OUTFLOW", description: "CARGO 123.455" },
            { ...processed, id: "belvo-subcent-in", amount: 10.005, type: "INFLOW", description: "ABONO 10.005" },
            { ...processed, id: "belvo-four-places", amount: 7.1251, type: "OUTFLOW", description: "CARGO 7.1251" },
          ];
        },
      },
      {
        path: "/api/accounts/", who,
        alter: (list: any[]) =>
          list.map((a) => {
            if (a.category !== "CHECKING_ACCOUNT") return a;
            simulated = a.balance.current;
            return { ...a, balance: { current: 98765.4321, available: 98765.4321 } };
          }),
      },
    ];
    const jobId = await syncNow(connectionId);
    expect((await job(owner, jobId)).status).toBe("completed");
    // 12345.5 cents is 12346 (half to even), 1000.5 is 1000, 712.51 is 713.
    expect((await row(spaceId, "belvo-subcent-out"))?.amount).toBe(-12346);
    expect((await row(spaceId, "belvo-subcent-in"))?.amount).toBe(1000);
    expect((await row(spaceId, "belvo-four-places"))?.amount).toBe(-713);
    const balances = await ledgerBalances(spaceId);
    const bank = await belvoBankBalances(connectionId); // the simulator's own answer, unaltered
    const chk = (await accountOf(connectionId, checking))!;
    const pendingThere = bank.get(chk)! - Math.round(simulated * 100);
    // Belvo's checking balance 98765.4321 is 9876543 cents; the ledger holds it plus what is still pending there.
    expect(balances.get(chk)).toBe(9876543 + pendingThere);
    for (const [id, held] of bank) if (id !== chk) expect(balances.get(id)).toBe(held);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("the merchant's name is read from merchant.merchant_name", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    sandbox.list = [
      {
        path: "/api/transactions/", who,
        alter: (list: any[]) => [
          ...list,
          { ...list[0], id: "belvo-merchant", status: "PROCESSED", amount: 88.5, type: "OUTFLOW", description: "FARM GDL SUC 123", merchant: { merchant_name: "Farmacias Guadalajara", logo: null, website: null } },
        ],
      },
    ];
    const jobId = await syncNow(connectionId);
    expect((await job(owner, jobId)).status).toBe("completed");
    const r = await row(spaceId, "belvo-merchant");
    expect(r?.merchant_name).toBe("Farmacias Guadalajara");
    expect(r?.amount).toBe(-8850);
    // The simulator's own transactions carry their merchant too.
    const named = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND provider_transaction_id IS NOT NULL AND provider_transaction_id NOT LIKE 'balance#%' AND merchant_name IS NULL").bind(spaceId).first<{ n: number }>();
    expect(named?.n).toBe(0);
  });

  it("a transaction without value_date is booked on its accounting_date's day", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    let sibling = "";
    sandbox.list = [
      {
        path: "/api/transactions/", who,
        alter: (list: any[]) => {
          const base = list.find((t) => t.status === "PROCESSED");
          sibling = base.id;
          return [...list, { ...base, id: "belvo-no-value-date", value_date: null, accounting_date: `${base.value_date}T15:30:00.000Z`, amount: 42.1, type: "OUTFLOW", description: "SIN FECHA VALOR" }];
        },
      },
    ];
    const jobId = await syncNow(connectionId);
    expect((await job(owner, jobId)).status).toBe("completed");
    const r = await row(spaceId, "belvo-no-value-date");
    expect(r?.amount).toBe(-4210);
    expect(r?.date).toBe((await row(spaceId, sibling))?.date);
  });

  it("an account without a currency is left out and told; a LIABILITY balance is owed whatever its category", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    sandbox.list = [
      {
        path: "/api/accounts/", who,
        alter: (list: any[]) => [
          ...list,
          { ...list[0], id: "belvo-acc-nocur", name: "Cuenta sin moneda", currency: null },
          { ...list[0], id: "belvo-acc-liab", name: null, type: "Crédito simple", category: "UNCATEGORIZED", balance_type: "LIABILITY", balance: { current: 250.5, available: null }, credit_data: null },
        ],
      },
    ];
    const jobId = await syncNow(connectionId);
    const done = await job(owner, jobId);
    expect(done.status).toBe("completed");
    expect(done.unsupported).toEqual([{ currency: "(none)", accounts: 1, transactions: 0 }]);
    expect(await accountOf(connectionId, "belvo-acc-nocur")).toBeUndefined();
    const liab = (await accountOf(connectionId, "belvo-acc-liab"))!;
    expect((await ledgerBalances(spaceId)).get(liab)).toBe(-25050);
    const acc = await env.DB.prepare("SELECT name FROM accounts WHERE id = ?").bind(liab).first<{ name: string }>();
    expect(acc?.name).toBe("Crédito simple");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a link Belvo answers invalid_link (its password changed) asks for the login again, and a repair brings it back", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    expect((await call("/sandbox/belvo/sandbox/links/invalidate", { body: { link: who, status: "invalid" } })).status).toBe(200);
    const jobId = await syncNow(connectionId);
    expect((await job(owner, jobId)).status).toBe("failed");
    expect(await connRow(connectionId)).toMatchObject({ status: "reauth_required", status_reason: expect.stringContaining("invalid_link") });
    const repaired = await callJson("/v1/providers/belvo/repair", { ...as(owner), body: { spaceId, connectionId, password: "new-pw" } });
    expect(repaired.status).toBe(200);
    expect((await connRow(connectionId))?.status).toBe("active");
  });
  it("a provider's merchant name and account subtype are stored cut to what a client may send (200, 40), not at any length", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    const longMerchant = `Farmacias ${"Guadalajara ".repeat(500)}`;
    const longType = `Crédito ${"simple ".repeat(300)}`;
    sandbox.list = [
      { path: "/api/accounts/", who, alter: (list: any[]) => [...list, { ...list[0], id: "belvo-acc-long", name: "Tarjeta", type: longType, number: "1234" }] },
      {
        path: "/api/transactions/", who,
        alter: (list: any[]) => [...list, { ...list[0], id: "belvo-long-merchant", status: "PROCESSED", amount: 12.5, type: "OUTFLOW", merchant: { merchant_name: longMerchant, logo: null, website: null } }],
      },
    ];
    const jobId = await syncNow(connectionId);
    expect((await job(owner, jobId)).status).toBe("completed");
    expect((await row(spaceId, "belvo-long-merchant"))?.merchant_name).toBe(longMerchant.slice(0, 200));
    const acc = await env.DB.prepare("SELECT subtype FROM accounts WHERE id = ?").bind(await accountOf(connectionId, "belvo-acc-long")).first<{ subtype: string }>();
    expect(acc?.subtype).toBe(longType.slice(0, 40));
    // As a client reads it.
    const read = await callJson(`/v1/accounts/${await accountOf(connectionId, "belvo-acc-long")}`, as(owner));
    expect(read.status).toBe(200);
    expect(read.body.subtype).toBe(longType.slice(0, 40));
  });
});
