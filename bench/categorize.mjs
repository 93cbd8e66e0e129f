// Categorizing incoming transactions with rules and the learned model, against
// inserting the same transactions into a space with neither, in the same run.
import { benchUser } from "./lib/api.mjs";
import { loadDataset } from "./lib/dataset.mjs";
import { run, summarize } from "./lib/load.mjs";

export async function categorizeBench(base, { n = 10_000, concurrency = 8 } = {}) {
  const { generate, CATEGORY_DEFS } = await loadDataset();
  const api = await benchUser(base, "categorize");
  const makeSpace = async (name) => {
    const space = await api.json("POST", "/v1/spaces", { name, type: "personal", currency: "USD" });
    const acc = await api.json("POST", "/v1/accounts", { spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "100000000.00" });
    return { spaceId: space.id, accountId: acc.id };
  };
  const plain = await makeSpace("uncategorized");
  const smart = await makeSpace("categorized");

  // One category and one rule per generated category, then teach the model with corrections.
  const catIds = {};
  for (const [i, c] of CATEGORY_DEFS.entries()) {
    const created = await api.json("POST", "/v1/categories", {
      spaceId: smart.spaceId, name: `Bench ${c.key}`, type: c.sign < 0 ? "expense" : "income",
      rules: [{ condition: "merchant_contains", value: c.merchants[0].split(" ")[0], priority: 100 - i }],
    });
    catIds[c.key] = created.id;
  }
  const teach = generate(300, 99);
  for (const t of teach) {
    const tx = await api.json("POST", "/v1/transactions", { spaceId: smart.spaceId, accountId: smart.accountId, amount: (t.amountMinor / 100).toFixed(2), description: t.description, merchantName: t.merchantName, date: "2024-01-01" });
    await api.json("POST", "/v1/ml/corrections", { transactionId: tx.id, correctedCategoryId: catIds[t.category], applyToSimilar: false });
  }

  const incoming = generate(n, 1234);
  const body = (target, t) => ({ spaceId: target.spaceId, accountId: target.accountId, amount: (t.amountMinor / 100).toFixed(2), description: t.description, merchantName: t.merchantName, date: "2024-02-01" });
  const baseline = await run({ total: n, concurrency, makeRequest: (i) => api.post("/v1/transactions", body(plain, incoming[i])) });
  const categorized = await run({ total: n, concurrency, makeRequest: (i) => api.post("/v1/transactions", body(smart, incoming[i])) });

  // How many arrived categorized, and how many correctly.
  const all = [];
  for (let offset = 0; offset < n + 400; offset += 200) {
    const page = await api.json("GET", `/v1/transactions?spaceId=${smart.spaceId}&startDate=2024-02-01&endDate=2024-02-01&limit=200&offset=${offset}`);
    all.push(...page.transactions);
    if (!page.pagination.hasMore) break;
  }
  const truth = new Map(incoming.map((t) => [`${t.merchantName}|${t.description}`, catIds[t.category]]));
  const bySource = {};
  let correct = 0;
  for (const t of all) {
    bySource[t.categorySource ?? "none"] = (bySource[t.categorySource ?? "none"] ?? 0) + 1;
    if (t.category && truth.get(`${t.merchantName}|${t.description}`) === t.category.id) correct++;
  }
  const b = summarize(baseline.latencies, baseline.elapsedMs, { statuses: baseline.statuses });
  const c = summarize(categorized.latencies, categorized.elapsedMs, { statuses: categorized.statuses });
  return {
    transactions: n,
    uncategorizedInsert: b,
    rulesAndModel: c,
    categorizedBy: bySource,
    accuracyOfAssigned: +(correct / Math.max(1, all.length - (bySource.none ?? 0))).toFixed(4),
    ratios: { throughputCategorizedVsPlain: +(c.perSecond / b.perSecond).toFixed(3), p50CategorizedVsPlain: +(c.p50ms / b.p50ms).toFixed(3) },
  };
}
