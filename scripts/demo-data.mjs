// Demo accounts and transactions, created through the public API as the demo
// user so that every amount goes through the ledger like real traffic. Each
// write carries a fixed Idempotency-Key, and a space that already has accounts
// is left alone, so seeding twice changes nothing.
import { DEMO } from "./demo-user.mjs";
import { seedDemoAssets } from "./demo-assets.mjs";
import { seedAnalyticsDemo } from "./demo-analytics.mjs";
import { seedDemoConnections } from "./demo-providers.mjs";

export const DEMO_CATEGORIES = [
  // [id, spaceIndex, name, type, color, icon]
  ["cat_demo_coffee0000000000000", 0, "Coffee & Dining", "expense", "#FF6B35", "restaurant"],
  ["cat_demo_groceries000000000000", 0, "Groceries", "expense", "#4CAF50", "cart"],
  ["cat_demo_transport0000000000000", 0, "Transportation", "expense", "#2196F3", "car"],
  ["cat_demo_salary000000000000000", 0, "Salary", "income", "#8BC34A", "briefcase"],
  ["cat_demo_supplies00000000000000", 1, "Insumos", "expense", "#9C27B0", "box"],
  ["cat_demo_ventas0000000000000000", 1, "Ventas", "income", "#009688", "cash"],
];

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

export function demoCategoriesSql(now = Date.now()) {
  return DEMO_CATEGORIES.map(
    ([id, si, name, type, color, icon]) =>
      `INSERT OR IGNORE INTO categories (id, space_id, name, type, color, icon, is_system, created_at, updated_at) VALUES (${q(id)}, ${q(DEMO.spaces[si].id)}, ${q(name)}, ${q(type)}, ${q(color)}, ${q(icon)}, 0, ${now}, ${now});`,
  ).join("\n") + "\n";
}

const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export async function seedDemoData(base) {
  const call = async (method, path, body, token, key) => {
    const headers = { "content-type": "application/json", "cf-connecting-ip": "127.0.0.1" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (key) headers["idempotency-key"] = key;
    const res = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const login = await call("POST", "/v1/auth/login", { email: DEMO.email, password: DEMO.password });
  const token = login.tokens.accessToken;
  const [personal, business] = DEMO.spaces.map((s) => s.id);
  const [coffee, groceries, transport, salary, supplies, ventas] = DEMO_CATEGORIES.map((c) => c[0]);

  await seedDemoAssets(call, token, personal);
  await seedDemoHousehold(call, token, [personal, business]);

  const existing = await call("GET", `/v1/accounts?spaceId=${personal}`, undefined, token);
  await seedDemoConnections(call, token, personal, business);
  if (existing.pagination.total > 0) return { seeded: false };

  const account = (key, body) => call("POST", "/v1/accounts", body, token, `demo-acc-${key}`);
  const tx = (key, body) => call("POST", "/v1/transactions", body, token, `demo-txn-${key}`);

  const checking = await account("checking", { spaceId: personal, name: "Chase Checking", type: "checking", currency: "USD", openingBalance: "2500.00", institutionName: "Chase", accountNumber: "000123451234", routingNumber: "021000005678" });
  const savings = await account("savings", { spaceId: personal, name: "High-Yield Savings", type: "savings", currency: "USD", openingBalance: "10000.00", institutionName: "Ally" });
  const card = await account("card", { spaceId: personal, name: "Visa Signature", type: "credit_card", currency: "USD", openingBalance: "-350.20", institutionName: "Chase" });
  const brokerage = await account("brokerage", { spaceId: personal, name: "Brokerage", type: "brokerage", currency: "USD", openingBalance: "5000.00", institutionName: "Fidelity" });
  await account("btc", { spaceId: personal, name: "Bitcoin", type: "crypto", currency: "BTC", openingBalance: "0.025", institutionName: "Bitso" });
  await account("eth", { spaceId: personal, name: "Ethereum", type: "crypto", currency: "ETH", openingBalance: "5.5", institutionName: "Bitso" });
  const bbva = await account("bbva", { spaceId: business, name: "BBVA Empresarial", type: "checking", currency: "MXN", openingBalance: "150000.00", institutionName: "BBVA México" });

  await tx("salary", { spaceId: personal, accountId: checking.id, amount: "3200.00", description: "Payroll deposit", merchantName: "ACME Corp", date: daysAgo(20), categoryId: salary });
  await tx("starbucks", { spaceId: personal, accountId: card.id, amount: -5.75, description: "Starbucks Coffee", merchantName: "Starbucks", date: daysAgo(6), categoryId: coffee, tags: ["morning"] });
  await tx("wholefoods", { spaceId: personal, accountId: card.id, amount: -84.32, description: "Whole Foods Market", merchantName: "Whole Foods", date: daysAgo(4), categoryId: groceries });
  await tx("uber", { spaceId: personal, accountId: checking.id, amount: -18.4, description: "Uber trip", merchantName: "Uber", date: daysAgo(2), categoryId: transport });
  await tx("aapl", { spaceId: personal, accountId: brokerage.id, description: "Apple Inc.", date: daysAgo(10), trade: { symbol: "AAPL", side: "buy", quantity: "10", unitPrice: "189.50", fees: "0" } });
  await call("POST", "/v1/transactions/transfer", { spaceId: personal, fromAccountId: checking.id, toAccountId: savings.id, amount: "500.00", date: daysAgo(1), description: "Monthly savings" }, token, "demo-transfer-1");
  await call("POST", "/v1/budgets", { spaceId: personal, name: "Monthly Food Budget", amount: "800.00", period: "monthly", categories: [{ categoryId: coffee, allocated: "300.00" }, { categoryId: groceries, allocated: "500.00" }], alertThreshold: 80 }, token);
  await call("PATCH", `/v1/categories/${transport}`, { rules: [{ condition: "merchant_contains", value: "uber", priority: 100 }, { condition: "regex", value: "^(lyft|didi|cabify)", priority: 90 }] }, token);
  await tx("oxxo", { spaceId: business, accountId: bbva.id, amount: "-230.50", description: "OXXO papelería", merchantName: "OXXO", date: daysAgo(3), categoryId: supplies });
  await tx("cliente", { spaceId: business, accountId: bbva.id, amount: "12500.00", description: "Pago cliente factura A-102", date: daysAgo(5), categoryId: ventas });
  // Outgoing webhooks to the sandbox receiver: see what arrived at GET /sandbox/webhook-receiver/demo.
  await call("POST", "/v1/webhooks", { spaceId: personal, url: "https://sandbox.dhanam.invalid/sandbox/webhook-receiver/demo", events: ["transaction.created", "account.sync.completed", "account.sync.failed", "budget.alert.threshold_exceeded", "lifebeat.escalated"], description: "Sandbox receiver (demo)" }, token);
  // Crypto (issue 13): a DeFi wallet (its Zapper positions and gaming platforms come from the simulators)
  // and ESG snapshots for today plus 30 backfilled days of trend.
  await call("POST", "/v1/defi/wallets", { spaceId: personal, address: "0x742d35cc6634c0532925a3b844bc454e4438f44e", label: "Main DeFi Wallet", networks: ["ethereum", "polygon", "arbitrum"] }, token);
  await call("POST", "/v1/esg/snapshots", { spaceId: personal, backfillDays: 30 }, token);
  await seedAnalyticsDemo({ call, token, personal, business, checking, bbva, categories: { salary, ventas, supplies } });
  // Saved projections (issue 14): starting net worth from each space's whole net worth (after the analytics demo's MXN
  // account and rates, so pesos count at their rate), a fixed seed so the figures are stable.
  await call("POST", "/v1/projections", { spaceId: personal, name: "Retire at 65", seed: 2025, years: 30, scenarios: 2000, annualIncome: "76800.00", annualExpenses: "61200.00", assumptions: { currentAge: 38, retirementAge: 65, retirementSpending: "55000.00", portfolioReturn: 0.065, portfolioVolatility: 0.14 }, lifeEvents: [{ year: 4, type: "home_purchase", amount: "-60000.00" }, { year: 15, type: "college", amount: "-80000.00" }] }, token);
  await call("POST", "/v1/projections", { spaceId: business, name: "Crecimiento 10 años", seed: 2025, years: 10, scenarios: 1000, annualIncome: "150000.00", annualExpenses: "90000.00", assumptions: { inflationRate: 0.045, incomeGrowthRate: 0.05, portfolioReturn: 0.09, portfolioVolatility: 0.18 } }, token);
  // Rules for the merchants the bank simulators send, run over what the first syncs imported (those came in before any
  // rule existed), so the demo's dashboard and budgets show spending by category, not a wall of "uncategorized".
  await seedDemoRules(call, token, { personal, business, coffee, groceries, transport, salary, supplies, ventas });
  return { seeded: true };
}

/**
 * Categories and rules for the demo merchants (the Plaid, Belvo and Bitso simulators' and the manual rows'), then
 * `apply-rules` over each space until it has no more: every synced row of a known merchant gets its category, as a
 * new sync's rows would. Runs once, with the first seed (fixed Idempotency-Keys on the new categories).
 */
export async function seedDemoRules(call, token, ids) {
  const { personal, business, coffee, groceries, transport, salary, supplies, ventas } = ids;
  const byName = async (spaceId) => Object.fromEntries((await call("GET", `/v1/categories?spaceId=${spaceId}`, undefined, token)).map((c) => [c.name, c.id]));
  const create = (key, spaceId, name, type) => call("POST", "/v1/categories", { spaceId, name, type }, token, `demo-rules-cat-${key}`).then((c) => c.id);
  const contains = (...merchants) => merchants.map((value) => ({ condition: "merchant_contains", value, priority: 50 }));
  const rules = (categoryId, list) => call("PATCH", `/v1/categories/${categoryId}`, { rules: list }, token);
  const mine = await byName(personal);
  const shopping = await create("shopping", personal, "Shopping", "expense");
  const health = await create("health", personal, "Health & Pharmacy", "expense");
  await rules(coffee, contains("starbucks", "chipotle", "cheesecake factory"));
  await rules(groceries, contains("whole foods", "trader joe"));
  await rules(transport, [{ condition: "merchant_contains", value: "uber", priority: 100 }, { condition: "regex", value: "^(lyft|didi|cabify)", priority: 90 }, ...contains("shell")]);
  await rules(salary, contains("acme corp", "consultora sol"));
  await rules(shopping, contains("amazon", "target"));
  await rules(health, contains("cvs"));
  if (mine["Subscriptions"]) await rules(mine["Subscriptions"], contains("netflix", "spotify", "disney+"));
  if (mine["Housing"]) await rules(mine["Housing"], [...contains("wells fargo home mortgage"), { condition: "description_contains", value: "rent payment", priority: 50 }]);
  if (mine["Phone & Internet"]) await rules(mine["Phone & Internet"], contains("telcel"));
  const fuel = await create("combustible", business, "Combustible", "expense");
  const utilities = await create("servicios", business, "Luz y servicios", "expense");
  const meals = await create("viaticos", business, "Comidas y viáticos", "expense");
  const shoppingMx = await create("compras", business, "Compras", "expense");
  await rules(supplies, contains("oxxo", "walmart"));
  await rules(fuel, contains("pemex"));
  await rules(utilities, contains("cfe suministrador"));
  await rules(meals, contains("starbucks", "sanborns", "uber"));
  await rules(shoppingMx, contains("liverpool"));
  await rules(ventas, contains("grupo norte"));
  for (const spaceId of [personal, business]) {
    let cursor;
    do {
      const res = await call("POST", "/v1/categories/apply-rules", { spaceId, ...(cursor ? { cursor } : {}) }, token);
      cursor = res.hasMore ? res.next : undefined;
    } while (cursor);
  }
}

/**
 * The demo household: both demo spaces, an executor invited by email (not a
 * registered user yet: the invitation is in the sandbox mailbox at
 * /sandbox/email/messages) and Life Beat enabled (weekly check-ins,
 * escalation at 30/60/90 days). Skipped when the demo user has a household.
 */
export async function seedDemoHousehold(call, token, spaceIds) {
  const existing = await call("GET", "/v1/households", undefined, token);
  if (existing.length > 0) return;
  const hh = await call("POST", "/v1/households", { name: "Demo Family", spaceIds }, token);
  const executor = await call("POST", `/v1/households/${hh.id}/members`, { email: "executor@dhanam.app", name: "Alex Demo", relationship: "sibling", role: "executor" }, token);
  await call("PUT", "/v1/life-beat", { householdId: hh.id, enabled: true, checkInInterval: "weekly", escalationDays: [30, 60, 90], executorId: executor.id, notificationChannels: ["email"] }, token);
}
