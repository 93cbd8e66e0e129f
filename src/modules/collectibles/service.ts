/**
 * Collectible valuations: search a category's catalog, link a manual asset to
 * a catalog item, unlink it, and refresh its value from the provider.
 */
import { eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { d1Statement } from "../../db/client";
import { manualAssets } from "../../db/schema";
import { ApiError, validationFailed } from "../../lib/errors";
import { formatMinor, moneyFields, toMajorNumber } from "../../lib/money";
import { todayIn } from "../../lib/dates";
import { batchAsMember, withSessionCheck } from "../spaces/access";
import type { CatalogItem } from "../../providers/sneaks/client";
import { type AssetRow, assetFor, latestValuation, presentValuation, recordsAlready, refuseAfterDisposal, storeValuation, scaleOf, valuationRow } from "../assets/service";
import { COLLECTIBLE_CATEGORIES, mayValueAsCollectible, PROVIDERS, providerFor, unavailable } from "./providers";

export function categories(env: Env) {
  return PROVIDERS.map((p) => ({ category: p.category, provider: p.name, available: p.available(env) }));
}

const presentItem = (provider: string, category: string, i: CatalogItem) => ({
  externalId: i.externalId, provider, category, name: i.name, brand: i.brand, referenceNumber: i.referenceNumber, imageUrl: i.imageUrl,
  currentMarketValue: i.marketValue === null ? null : toMajorNumber(i.marketValue, 2),
  currentMarketValueDecimal: i.marketValue === null ? null : formatMinor(i.marketValue, 2),
  currency: i.currency,
});

export async function search(svc: Services, auth: AuthContext, q: { category: string; q: string; limit: number }) {
  if (!(COLLECTIBLE_CATEGORIES as readonly string[]).includes(q.category)) {
    throw validationFailed([{ field: "category", message: `One of ${COLLECTIBLE_CATEGORIES.join(", ")}`, code: "UNKNOWN_CATEGORY" }]);
  }
  const providers = PROVIDERS.filter((p) => p.category === q.category && p.available(svc.env));
  if (providers.length === 0) throw unavailable(PROVIDERS.filter((p) => p.category === q.category).map((p) => p.name).join(", "));
  // A read's session is otherwise checked with its first D1 read; this one has none before the provider call, which a
  // revoked token must not get.
  await withSessionCheck(svc, auth, []);
  const out = [];
  for (const p of providers) for (const i of await p.search(svc.env, q.q, q.limit)) out.push(presentItem(p.name, p.category, i));
  return out.slice(0, q.limit);
}

const notLinked = () => new ApiError(422, "VALIDATION_FAILED", "The asset is not linked to a collectible catalog item", [
  { field: "assetId", message: "Link it first with POST /v1/assets/{assetId}/collectible-link", code: "NOT_LINKED" },
]);

function refuseUnlikeType(asset: AssetRow, category: string) {
  if (!mayValueAsCollectible(asset.type, category)) {
    throw validationFailed([{ field: "category", message: `A ${asset.type} asset is not valued from a ${category} catalog item`, code: "NOT_A_COLLECTIBLE" }]);
  }
}

export async function link(svc: Services, auth: AuthContext, assetId: string, input: { externalId: string; provider: string; category: string }) {
  const { asset } = await assetFor(svc, auth, assetId, "member");
  const provider = providerFor(input.provider, input.category);
  refuseUnlikeType(asset, provider.category);
  if (!provider.available(svc.env)) throw unavailable(provider.name);
  if (asset.currency !== provider.currency) {
    throw validationFailed([{ field: "provider", message: `${provider.name} values in ${provider.currency}; this asset is valued in ${asset.currency}`, code: "CURRENCY_MISMATCH" }]);
  }
  const item = await provider.item(svc.env, input.externalId);
  if (!item) throw new ApiError(404, "RESOURCE_NOT_FOUND", "Catalog item not found");
  // Only while the caller may still write in the live space (a deletion meanwhile is the asset's 404).
  await batchAsMember(svc, auth, asset.spaceId, "member", [d1Statement(svc.env.DB, svc.db.update(manualAssets).set({
    collectibleProvider: provider.name, collectibleCategory: provider.category, collectibleExternalId: item.externalId, collectibleName: item.name, updatedAt: svc.clock.now(),
  }).where(eq(manualAssets.id, asset.id)))], { resource: "Asset" });
  return { success: true, assetId: asset.id, ...presentItem(provider.name, provider.category, item) };
}

export async function unlink(svc: Services, auth: AuthContext, assetId: string) {
  const { asset } = await assetFor(svc, auth, assetId, "member");
  const wasLinked = asset.collectibleProvider !== null;
  if (wasLinked) {
    await svc.db.update(manualAssets).set({ collectibleProvider: null, collectibleCategory: null, collectibleExternalId: null, collectibleName: null, updatedAt: svc.clock.now() })
      .where(eq(manualAssets.id, asset.id));
  }
  return { success: true, assetId: asset.id, unlinked: wasLinked };
}

/** The linked item's current market value (minor units), from its provider. */
export async function linkedValue(svc: Services, asset: AssetRow): Promise<{ value: number; source: string }> {
  if (!asset.collectibleProvider || !asset.collectibleCategory || !asset.collectibleExternalId) throw notLinked();
  // A link made before types were checked is not used either.
  refuseUnlikeType(asset, asset.collectibleCategory);
  const provider = providerFor(asset.collectibleProvider, asset.collectibleCategory);
  if (!provider.available(svc.env)) throw unavailable(provider.name);
  const item = await provider.item(svc.env, asset.collectibleExternalId);
  if (!item) throw new ApiError(404, "RESOURCE_NOT_FOUND", "The linked catalog item no longer exists");
  if (item.marketValue === null) throw new ApiError(502, "PROVIDER_ERROR", `${provider.name}: no market price for this item right now`);
  return { value: item.marketValue, source: provider.name };
}

export async function refresh(svc: Services, auth: AuthContext, assetId: string) {
  const { asset, membership } = await assetFor(svc, auth, assetId, "member");
  refuseAfterDisposal(asset, todayIn(svc.clock.now(), membership.space.timezone), "assetId");
  const { value, source } = await linkedValue(svc, asset);
  const previous = await latestValuation(svc, asset.id);
  const now = svc.clock.now();
  const date = todayIn(now, membership.space.timezone);
  const row = recordsAlready(previous, { value, date, source }) ? previous : valuationRow(asset, { value, date, valuedAt: now, source, createdBy: auth.userId }, now);
  if (row !== previous) await storeValuation(svc, row, "assetId", auth);
  const scale = scaleOf(asset.currency);
  return {
    success: true,
    previousValue: previous ? toMajorNumber(previous.value, scale) : null,
    previousValueDecimal: previous ? formatMinor(previous.value, scale) : null,
    ...moneyFields("newValue", value, scale),
    currency: asset.currency,
    source,
    valuation: presentValuation(row),
  };
}
