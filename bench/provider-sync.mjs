// A 10,000-transaction provider sync on local workerd (issue 11): the Plaid simulator serves an item with
// ~10 years of history (public token `public-sandbox-history-<days>-...`), and linking it runs the first
// sync: /transactions/sync paging, dedupe by provider transaction id, categorization (rules, then the
// model) and posting through the space's ledger object, then the balance reconciliation. The link answers at
// once and queues that sync: syncMs is the job's own start-to-finish, linkToImportedMs the link request to done. Beside it, the
// same run's bare baseline: as many rows of the same shape inserted into D1 by the same Worker with
// nothing else. Then the same sync again, forced (nothing may be posted twice).
import { benchUser } from "./lib/api.mjs";

export async function providerSyncBench(base, { days = 3230 } = {}) {
  const api = await benchUser(base, "providersync");
  const space = await api.json("POST", "/v1/spaces", { name: "Provider sync bench", type: "personal", currency: "USD" });
  // A rule, so categorization has work besides the model.
  const cat = await api.json("POST", "/v1/categories", { spaceId: space.id, name: "Coffee", type: "expense" });
  await api.json("PATCH", `/v1/categories/${cat.id}`, { rules: [{ condition: "merchant_contains", value: "starbucks", priority: 100 }] });

  const started = performance.now();
  const linked = await api.json("POST", "/v1/providers/plaid/exchange-token", { spaceId: space.id, publicToken: `public-sandbox-history-${days}-bench-${Date.now()}` });
  const linkMs = performance.now() - started;
  // The first sync is queued by the link: follow it to the end.
  const job = await waitFor(api, linked.jobId);
  const endToEndMs = performance.now() - started;
  const syncMs = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
  const rows = job.stats.created;

  // The same run's bare baseline: as many rows, inserted with nothing else (multi-row INSERTs, 50 statements a batch).
  const bare = await (await fetch(`${base}/sandbox/plaid/sandbox/bench/bare_insert`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: rows }) })).json();

  // The same sync again, forced: nothing new since the saved cursor, nothing posted twice.
  const again = await api.json("POST", "/v1/accounts/sync", { spaceId: space.id, force: true });
  const second = await waitFor(api, again.jobId);
  const list = await api.json("GET", `/v1/transactions?spaceId=${space.id}&limit=1`);
  const categorized = await api.json("GET", `/v1/transactions?spaceId=${space.id}&categoryId=${cat.id}&limit=1`);
  return {
    transactions: rows,
    stats: job.stats,
    linkRequestMs: Math.round(linkMs),
    linkToImportedMs: Math.round(endToEndMs),
    syncMs,
    bareInsert: { rows: bare.rows, ms: bare.ms, statements: bare.statements },
    ratioToBareInsert: bare.ms > 0 ? Number((syncMs / bare.ms).toFixed(2)) : null,
    perTransactionUs: Math.round((syncMs * 1000) / Math.max(1, rows)),
    secondSync: { status: second?.status, stats: second?.stats, ms: second ? Date.parse(second.finishedAt) - Date.parse(second.startedAt) : null },
    listTotal: list.pagination.total,
    ruleCategorized: categorized.pagination.total,
    under5s: syncMs < 5000,
  };
}

async function waitFor(api, jobId) {
  let job;
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
    // A poll answered late (the Worker busy with the sync) is dropped after 5 s and asked again: a stuck keep-alive
    // socket would otherwise hold the loop for undici's 300 s headers timeout.
    job = await Promise.race([api.json("GET", `/v1/sync-jobs/${jobId}`).catch(() => null), new Promise((r) => setTimeout(() => r(null), 5000))]);
    if (job && (job.status === "completed" || job.status === "failed")) return job;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`sync job ${jobId} did not finish: ${JSON.stringify(job)}`);
}
