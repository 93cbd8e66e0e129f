// Minimal API client for benchmarks.
export function client(base, token) {
  const headers = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return {
    post: (path, body, extra = {}) => fetch(`${base}${path}`, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) }),
    get: (path) => fetch(`${base}${path}`, { headers }),
    async json(method, path, body) {
      const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
  };
}

export async function benchUser(base, label) {
  const anon = client(base);
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@bench.local`;
  const reg = await anon.json("POST", "/v1/auth/register", { name: label, email, password: "bench-password-123" });
  return client(base, reg.tokens.accessToken);
}

/** The whole log's verification, following `next` (one call checks at most 100,000 logs). */
export async function verifyLog(api, spaceId) {
  let path = `/v1/spaces/${spaceId}/ledger/logs/verify`;
  for (;;) {
    const v = await api.json("GET", path);
    if (!v.data?.hasMore) return v;
    path = `/v1/spaces/${spaceId}/ledger/logs/verify?cursor=${encodeURIComponent(v.data.next)}`;
  }
}
