// Demo data for analytics (issue 14): simulator exchange rates for the days the
// dashboard and forecast convert, a personal MXN account beside the USD ones,
// and six months of recurring income and bills in both spaces, so the demo
// user's dashboard, net-worth history, recurring list and forecast show
// sensible figures in USD and MXN. Every write has a fixed Idempotency-Key.

const DAY = 86_400_000;
const dateAgo = (n) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
/** The `d`th of the month `k` months from now (k <= 0), as YYYY-MM-DD. */
const monthDay = (k, d) => {
  const t = new Date();
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + k, d)).toISOString().slice(0, 10);
};
const today = () => new Date().toISOString().slice(0, 10);

export async function seedAnalyticsDemo({ call, token, personal, business, checking, bbva, categories }) {
  // Rates: every day of the last 40 and every week of the year before, from the simulator (GET /v1/rates stores them).
  const days = new Set();
  for (let n = 0; n <= 40; n++) days.add(dateAgo(n));
  for (let n = 42; n <= 400; n += 7) days.add(dateAgo(n));
  for (const d of days) await call("GET", `/v1/rates?base=USD&quote=MXN&date=${d}`, undefined, token);

  const tx = (key, body) => call("POST", "/v1/transactions", body, token, `demo-an-${key}`);
  const category = (key, spaceId, name, type) => call("POST", "/v1/categories", { spaceId, name, type }, token, `demo-an-cat-${key}`).then((c) => c.id);
  const housing = await category("housing", personal, "Housing", "expense");
  const subscriptions = await category("subs", personal, "Subscriptions", "expense");
  const phone = await category("phone", personal, "Phone & Internet", "expense");
  const office = await category("office", business, "Renta", "expense");
  const past = (d) => d <= today();

  // Personal (USD space): an MXN payroll account, paid monthly in pesos, with a phone bill.
  const banamex = await call("POST", "/v1/accounts", { spaceId: personal, name: "Banamex Nómina", type: "checking", currency: "MXN", openingBalance: "18500.00", institutionName: "Banamex" }, token, "demo-an-acc-banamex");
  for (let k = -5; k <= 0; k++) {
    const pay = monthDay(k, 15);
    if (past(pay)) await tx(`mxn-pay-${k}`, { spaceId: personal, accountId: banamex.id, amount: "8500.00", description: "Honorarios consultoría", merchantName: "Consultora Sol", date: pay, categoryId: categories.salary });
    const phoneDay = monthDay(k, 20);
    if (past(phoneDay)) await tx(`mxn-phone-${k}`, { spaceId: personal, accountId: banamex.id, amount: "-499.00", description: "Telcel plan", merchantName: "Telcel", date: phoneDay, categoryId: phone });
  }
  // Biweekly salary, the monthly mortgage payment on the family home (demo-assets.mjs) and a streaming subscription in
  // USD (the linked Chase item, from the Plaid simulator, has its own rent, Netflix and Spotify: not the same bills twice).
  // (the first payday, 20 days ago, is the base demo's own "salary" transaction)
  for (let k = 2; k <= 12; k++) {
    const d = dateAgo(6 + 14 * k);
    await tx(`salary-${k}`, { spaceId: personal, accountId: checking.id, amount: "3200.00", description: "Payroll deposit", merchantName: "ACME Corp", date: d, categoryId: categories.salary });
  }
  for (let k = -5; k <= 0; k++) {
    const rent = monthDay(k, 1);
    if (past(rent)) await tx(`rent-${k}`, { spaceId: personal, accountId: checking.id, amount: "-3450.00", description: "Mortgage payment", merchantName: "Wells Fargo Home Mortgage", date: rent, categoryId: housing });
    const streaming = monthDay(k, 12);
    if (past(streaming)) await tx(`netflix-${k}`, { spaceId: personal, accountId: checking.id, amount: "-13.99", description: "Disney+", merchantName: "Disney+", date: streaming, categoryId: subscriptions });
  }

  // Business (MXN space): office rent monthly and client payments twice a month.
  for (let k = -5; k <= 0; k++) {
    const rent = monthDay(k, 5);
    if (past(rent)) await tx(`office-${k}`, { spaceId: business, accountId: bbva.id, amount: "-18000.00", description: "Renta oficina", merchantName: "Inmobiliaria Reforma", date: rent, categoryId: office });
    for (const d of [1, 16]) {
      const paid = monthDay(k, d);
      if (past(paid)) await tx(`client-${k}-${d}`, { spaceId: business, accountId: bbva.id, amount: "21500.00", description: "Iguala mensual cliente", merchantName: "Grupo Norte", date: paid, categoryId: categories.ventas });
    }
  }
}
