/**
 * Seed 000's collectible categories and their valuation providers. A provider
 * is `available` only when this deployment has a working client for it and
 * that client is configured; every other provider answers 503
 * PROVIDER_UNAVAILABLE and never a value.
 */
import { ApiError } from "../../lib/errors";
import { providerUnavailable } from "../../providers/http";
import { type CatalogItem, SneaksClient } from "../../providers/sneaks/client";

export const COLLECTIBLE_CATEGORIES = ["sneaker", "watch", "art", "wine", "coin", "trading_card", "classic_car"] as const;
export type CollectibleCategory = (typeof COLLECTIBLE_CATEGORIES)[number];

/**
 * Whether an asset of `type` may take its value from a catalog item of `category`: a collectible, or an asset filed as
 * "other", any item; a vehicle only a classic car. A house or a private holding never does: a sneaker's price is no
 * value for them (the daily refresh would record it every day).
 */
export const mayValueAsCollectible = (type: string, category: string): boolean =>
  type === "collectible" || type === "other" || (type === "vehicle" && category === "classic_car");

/** What a provider client must do; `available` says whether this deployment can use it. */
export interface CollectibleProvider {
  name: string;
  category: CollectibleCategory;
  currency: "USD";
  available(env: Env): boolean;
  search(env: Env, q: string, limit: number): Promise<CatalogItem[]>;
  item(env: Env, externalId: string): Promise<CatalogItem | null>;
}

/** A provider of the seed with no client here: listed truthfully as unavailable. */
const noClient = (name: string, category: CollectibleCategory): CollectibleProvider => ({
  name, category, currency: "USD",
  available: () => false,
  search: () => Promise.reject(unavailable(name)),
  item: () => Promise.reject(unavailable(name)),
});

export const unavailable = (name: string) => providerUnavailable(`The collectible provider "${name}" is not available in this deployment`);

export const PROVIDERS: CollectibleProvider[] = [
  {
    name: "sneaks", category: "sneaker", currency: "USD",
    available: (env) => SneaksClient.configured(env),
    search: (env, q, limit) => SneaksClient.fromEnv(env).search(q, limit),
    item: (env, id) => SneaksClient.fromEnv(env).product(id),
  },
  noClient("watchcharts", "watch"),
  noClient("artsy", "art"),
  noClient("wine-searcher", "wine"),
  noClient("pcgs", "coin"),
  noClient("psa", "trading_card"),
  noClient("hagerty", "classic_car"),
  noClient("kicksdb", "sneaker"),
];

export function providerFor(name: string, category: string): CollectibleProvider {
  const p = PROVIDERS.find((x) => x.name === name && x.category === category);
  if (!p) {
    throw new ApiError(422, "VALIDATION_FAILED", "Unknown provider for this category", [
      { field: "provider", message: `No provider "${name.slice(0, 40)}" for category "${category.slice(0, 40)}"`, code: "UNKNOWN_PROVIDER" },
    ]);
  }
  return p;
}
