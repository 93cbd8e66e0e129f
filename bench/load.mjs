// Load scenarios against `wrangler dev` with autocannon, at production rate
// limits: mixed reads and writes from many users over many spaces, a hot space,
// a retry storm replaying idempotency keys, and credential stuffing against
// the auth endpoints while legitimate users log in. Afterwards the ledger of
// every space is checked: nothing lost, nothing doubled.
import autocannon from "autocannon";
import { client, verifyLog } from "./lib/api.mjs";

const DURATION = Number(process.env.BENCH_LOAD_SECONDS ?? 10);

function cannon(opts) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ duration: DURATION, connections: 10, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
    inst.on("error", () => {});
  });
}

const report = (r) => ({
  requests: r.requests.total,
  perSecond: r.requests.average,
  p50ms: r.latency.p50,
  p99ms: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
  statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
});

async function user(base, i, ip) {
  const anon = client(base);
  const email = `load-${i}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@bench.local`;
  const password = "load-password-123";
  const headers = { "content-type": "application/json", "cf-connecting-ip": ip };
  const reg = await fetch(`${base}/v1/auth/register`, { method: "POST", headers, body: JSON.stringify({ name: `load ${i}`, email, password }) });
  const body = await reg.json();
  if (!reg.ok) throw new Error(JSON.stringify(body));
  return { email, password, ip, token: body.tokens.accessToken, id: body.user.id, api: client(base, body.tokens.accessToken) };
}

export async function loadBench(base, { users = 20 } = {}) {
  const results = {};
  results.baseline = report(await cannon({ url: `${base}/v1/health` }));

  // Many users, one space and one account each.
  const people = [];
  for (let i = 0; i < users; i++) people.push(await user(base, i, `10.50.0.${i + 1}`));
  for (const p of people) {
    const space = await p.api.json("POST", "/v1/spaces", { name: "Load", type: "personal", currency: "USD" });
    const acc = await p.api.json("POST", "/v1/accounts", { spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "1000.00" });
    Object.assign(p, { spaceId: space.id, accountId: acc.id });
  }
  let seq = 0;
  const auth = (p) => ({ authorization: `Bearer ${p.token}`, "content-type": "application/json", "cf-connecting-ip": p.ip });
  const mixed = await cannon({
    url: base,
    connections: 20,
    requests: [
      {
        setupRequest: (req) => {
          const p = people[seq++ % people.length];
          const r = seq % 10;
          if (r < 7) {
            const paths = [`/v1/transactions?spaceId=${p.spaceId}&limit=20`, `/v1/accounts/summary?spaceId=${p.spaceId}`, `/v1/spaces/${p.spaceId}/ledger/transactions?pageSize=15`];
            return { ...req, method: "GET", path: paths[r % 3], headers: auth(p) };
          }
          const key = `mixed-${seq}`;
          return { ...req, method: "POST", path: "/v1/transactions", headers: { ...auth(p), "idempotency-key": key }, body: JSON.stringify({ spaceId: p.spaceId, accountId: p.accountId, amount: "1.25", description: `load ${seq}`, date: "2024-03-01" }) };
        },
      },
    ],
  });
  results.mixedReadsWrites = report(mixed);

  // A hot space: every user is a member of the owner's space and writes to its ledger.
  const owner = people[0];
  for (const p of people.slice(1)) await owner.api.json("POST", `/v1/spaces/${owner.spaceId}/members`, { email: p.email, role: "member" });
  const hot = await cannon({
    url: base,
    connections: 20,
    requests: [{
      setupRequest: (req) => {
        const p = people[seq++ % people.length];
        return { ...req, method: "POST", path: `/v1/spaces/${owner.spaceId}/ledger/transactions`, headers: auth(p), body: JSON.stringify({ postings: [{ source: "world", destination: `users:u${seq % 7}`, amount: 1, asset: "USD/2" }] }) };
      },
    }],
  });
  results.hotSpace = report(hot);

  // A retry storm: 40% of writes replay an earlier key with the same body. It is
  // spread over five users so that their hourly `general` budgets last the run;
  // a 429 is still possible and fine: only keys answered 201 must be stored.
  const stormers = people.slice(1, 6);
  const sent = [];
  const accepted = new Set();
  const storm = await cannon({
    url: base,
    connections: 20,
    requests: [{
      setupRequest: (req, context) => {
        let item;
        if (sent.length > 0 && Math.random() < 0.4) item = sent[Math.floor(Math.random() * sent.length)];
        else (item = { p: stormers[seq % stormers.length], key: `storm-${seq++}` }), sent.push(item);
        context.key = item.key;
        const { p, key } = item;
        return { ...req, method: "POST", path: "/v1/transactions", headers: { ...auth(p), "idempotency-key": key }, body: JSON.stringify({ spaceId: p.spaceId, accountId: p.accountId, amount: "0.01", description: key, date: "2024-03-02" }) };
      },
      onResponse: (status, _body, context) => {
        if (status === 201) accepted.add(context.key);
      },
    }],
  });
  results.retryStorm = { ...report(storm), distinctKeys: sent.length, keysAccepted: accepted.size };

  // Credential stuffing from one IP while legitimate users log in from theirs.
  let legitOk = 0;
  let legitTotal = 0;
  const legit = (async () => {
    const deadline = Date.now() + DURATION * 1000;
    let i = 0;
    while (Date.now() < deadline) {
      const p = people[2 + (i++ % (people.length - 2))];
      const res = await fetch(`${base}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": p.ip }, body: JSON.stringify({ email: p.email, password: p.password }) });
      legitTotal++;
      if (res.status === 200) legitOk++;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const stuffing = await cannon({
    url: `${base}/v1/auth/login`,
    connections: 10,
    requests: [{
      setupRequest: (req) => ({ ...req, method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.66", "x-forwarded-for": `198.51.100.${seq++ % 250}` }, body: JSON.stringify({ email: `victim${seq}@example.com`, password: `guess${seq}` }) }),
    }],
  });
  await legit;
  results.credentialStuffing = { ...report(stuffing), legitimateLogins: { ok: legitOk, total: legitTotal } };

  // Nothing lost: every space's chain verifies and its assets sum to zero; the storm committed once per key.
  const checks = [];
  for (const p of people) {
    const verify = await verifyLog(p.api, p.spaceId);
    const balances = await p.api.json("GET", `/v1/spaces/${p.spaceId}/ledger/balances`);
    checks.push({ chain: verify.data.valid, zeroSum: Object.values(balances.data).every((v) => v === 0) });
  }
  // The storm's rows, counted per key (each row's description is its key).
  const storedPerKey = new Map();
  for (const p of stormers) {
    for (let offset = 0; ; offset += 200) {
      const page = await p.api.json("GET", `/v1/transactions?spaceId=${p.spaceId}&search=storm-&limit=200&offset=${offset}`);
      for (const t of page.transactions) storedPerKey.set(t.description, (storedPerKey.get(t.description) ?? 0) + 1);
      if (page.transactions.length < 200) break;
    }
  }
  const storedRows = [...storedPerKey.values()].reduce((a, b) => a + b, 0);
  const sentKeys = new Set(sent.map((item) => item.key));
  results.invariants = {
    spaces: checks.length,
    chainsValid: checks.every((c) => c.chain),
    assetsSumToZero: checks.every((c) => c.zeroSum),
    stormDistinctKeys: sentKeys.size,
    stormKeysAccepted: accepted.size,
    stormTransactionsStored: storedRows,
    // Every key answered 201 has a row, and no key has two. A key whose request was
    // still in flight when the run stopped (or got a 429) may have one row or none.
    stormExactlyOncePerKey:
      [...accepted].every((k) => storedPerKey.has(k)) &&
      [...storedPerKey].every(([k, n]) => n === 1 && sentKeys.has(k)),
  };
  results.ratios = {
    mixedVsHealthRps: +(results.mixedReadsWrites.perSecond / results.baseline.perSecond).toFixed(3),
    hotSpaceVsHealthRps: +(results.hotSpace.perSecond / results.baseline.perSecond).toFixed(3),
  };
  return results;
}
