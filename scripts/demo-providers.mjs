// Demo provider connections (issue 11): the demo user links a Plaid bank, a
// Belvo bank and a Bitso account through the public API, answered by the
// offline simulators; each link queues its first sync on SYNC_QUEUE, whose
// consumer posts the institution's transactions through the ledger. Skipped
// when the demo spaces already have connections, so seeding twice changes nothing.
export async function seedDemoConnections(call, token, personal, business) {
  const existing = await call("GET", `/v1/providers/connections?spaceId=${personal}`, undefined, token);
  if (existing.connections.length > 0) return { seeded: false };
  const plaid = await call("POST", "/v1/providers/plaid/exchange-token", {
    spaceId: personal, publicToken: "public-sandbox-demo-chase",
    metadata: { institution: { name: "Chase", institution_id: "ins_56" } },
  }, token);
  const belvo = await call("POST", "/v1/providers/belvo/connect", { spaceId: business, institution: "banamex", username: "demo", password: "demo123" }, token);
  const bitso = await call("POST", "/v1/providers/bitso/connect", { spaceId: personal, apiKey: "demo-bitso-key", apiSecret: "demo-bitso-secret" }, token);
  // Wait for the queued first syncs, so the demo user sees the transactions at once.
  const jobs = [plaid.jobId, belvo.jobId, bitso.jobId].filter(Boolean);
  const deadline = Date.now() + 60_000;
  const done = new Map();
  while (done.size < jobs.length && Date.now() < deadline) {
    for (const id of jobs) {
      if (done.has(id)) continue;
      const job = await call("GET", `/v1/sync-jobs/${id}`, undefined, token);
      if (job.status === "completed" || job.status === "failed") done.set(id, job);
    }
    if (done.size < jobs.length) await new Promise((r) => setTimeout(r, 500));
  }
  for (const [id, job] of done) console.log(`  demo sync ${id} (${job.provider}): ${job.status}, ${job.stats?.created ?? 0} transactions created`);
  return { seeded: true, jobs: [...done.values()] };
}
