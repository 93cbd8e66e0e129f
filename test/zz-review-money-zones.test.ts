import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "./helpers";
import { seedCategory } from "./accounts/helpers";

const ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "America/Santiago", "Asia/Kathmandu", "+14:00", "-12:00", "Pacific/Chatham"];
const dayIn = (ms: number, tz: string) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));

describe("review: days in the space's zone", () => {
  it("today and yesterday land on the right side of every boundary", async () => {
    const u = await registerUser();
    const problems: string[] = [];
    for (const tz of ZONES) {
      const go = (path: string, opts: any = {}) => callJson(path, { token: u.accessToken, ip: u.ip, ...opts });
      const sp = await go("/v1/spaces", { body: { name: "S", type: "personal", currency: "USD", timezone: tz } });
      if (sp.status !== 201) { problems.push(`${tz}: space ${sp.status}`); continue; }
      const spaceId = sp.body.id;
      const cat = await seedCategory(spaceId, "Food");
      const acc = (await go("/v1/accounts", { body: { spaceId, name: "C", type: "checking", currency: "USD", openingBalance: "1000" } })).body;
      const now = Date.now();
      const today = dayIn(now, tz);
      const yesterday = dayIn(now - 86_400_000, tz) === today ? dayIn(now - 2 * 86_400_000, tz) : dayIn(now - 86_400_000, tz);
      const t1 = await go("/v1/transactions", { body: { spaceId, accountId: acc.id, amount: "-1.00", description: "today", date: today, categoryId: cat } });
      const t2 = await go("/v1/transactions", { body: { spaceId, accountId: acc.id, amount: "-20.00", description: "yesterday", date: yesterday, categoryId: cat } });
      if (!String(t1.body.date).startsWith(today)) problems.push(`${tz}: today's tx shown as ${t1.body.date}`);
      if (!String(t2.body.date).startsWith(yesterday)) problems.push(`${tz}: yesterday's tx shown as ${t2.body.date}`);
      const listed = await go(`/v1/transactions?spaceId=${spaceId}&startDate=${today}&endDate=${today}`);
      const ids = listed.body.transactions.map((t: any) => t.description);
      if (JSON.stringify(ids) !== '["today"]') problems.push(`${tz}: list for ${today} gives ${JSON.stringify(ids)}`);
      const st = await go(`/v1/accounts/${acc.id}/ledger?from=${today}&to=${today}`);
      if (st.body.totalDebit !== "1.00" || st.body.openingBalance !== "980.00") problems.push(`${tz}: statement ${today}: ${JSON.stringify({ o: st.body.openingBalance, d: st.body.totalDebit })}`);
      const b = await go("/v1/budgets", { body: { spaceId, name: "B", amount: "100", period: "monthly", startDate: today, categoryIds: [cat] } });
      if (b.body.spentDecimal !== "1.00") problems.push(`${tz}: budget from ${today} spent ${b.body.spentDecimal} (${b.status} ${JSON.stringify(b.body).slice(0, 200)})`);
      const list = await go(`/v1/budgets?spaceId=${spaceId}`);
      const lb = (list.body.budgets ?? list.body.data ?? list.body)?.find?.((x: any) => x.id === b.body.id);
      if (lb && lb.spentDecimal !== "1.00") problems.push(`${tz}: budget list spent ${lb.spentDecimal}`);
      const dash = await go(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`);
      if (dash.body.cashFlow?.expensesDecimal !== "21.00") problems.push(`${tz}: dashboard 7d expenses ${dash.body.cashFlow?.expensesDecimal} ${dash.status}`);
      const nw = await go(`/v1/analytics/net-worth?spaceId=${spaceId}&from=${yesterday}&to=${today}`);
      const pts = nw.body.points?.map((p: any) => `${p.date}=${p.netWorthDecimal}`).join(",");
      if (pts !== `${yesterday}=980.00,${today}=979.00`) problems.push(`${tz}: net worth ${pts} ${nw.status}`);
      const tr = await go(`/v1/transactions?spaceId=${spaceId}&startDate=${yesterday}&endDate=${yesterday}`);
      if (tr.body.pagination?.total !== 1) problems.push(`${tz}: total for ${yesterday} = ${tr.body.pagination?.total}`);
    }
    console.log(problems.join("\n"));
    expect(problems).toEqual([]);
  }, 120_000);
});
