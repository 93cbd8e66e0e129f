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
