/** The rate-limit policies of API.md: token buckets refilled over a window. */
import type { BucketSpec } from "../../durable-objects/rate-limiter";

export type Policy = "auth" | "general" | "sync" | "bulk";

export const POLICIES: Record<Policy, BucketSpec> = {
  auth: { limit: 10, windowMs: 60_000 },
  general: { limit: 1000, windowMs: 3_600_000 },
  sync: { limit: 5, windowMs: 60_000 },
  bulk: { limit: 100, windowMs: 3_600_000 },
};
