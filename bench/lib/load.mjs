// A small closed-loop load generator: N workers each send requests back to back.
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(latencies, elapsedMs, extra = {}) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds: +(elapsedMs / 1000).toFixed(3),
    perSecond: +((latencies.length / elapsedMs) * 1000).toFixed(1),
    p50ms: +percentile(sorted, 50).toFixed(2),
    p99ms: +percentile(sorted, 99).toFixed(2),
    ...extra,
  };
}

/**
 * Runs `total` calls of `makeRequest(i)` with `concurrency` in flight; returns latencies and failures.
 * `makeRequest` returns a Promise<Response>; a status >= 400 counts as an error.
 */
export async function run({ total, concurrency, makeRequest }) {
  return drive(concurrency, makeRequest, (i) => i < total);
}

/** Like `run`, but for `seconds` of wall time: N workers send requests back to back until the deadline. */
export async function runFor({ seconds, concurrency, makeRequest }) {
  const deadline = performance.now() + seconds * 1000;
  return drive(concurrency, makeRequest, () => performance.now() < deadline);
}

/** `concurrency` workers send requests back to back while `more(i)` says so; latencies and statuses of each. */
async function drive(concurrency, makeRequest, more) {
  const latencies = [];
  const statuses = {};
  let next = 0;
  const start = performance.now();
  async function worker() {
    while (more(next)) {
      const i = next++;
      const t0 = performance.now();
      const res = await makeRequest(i);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, statuses, elapsedMs: performance.now() - start };
}
