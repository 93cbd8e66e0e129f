/**
 * Real-estate valuations for manual assets through the Zillow-style client:
 * look a property up by address, read its Zestimate, and `sync` it into the
 * asset's valuation history.
 */
import { and, eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { manualAssets } from "../../db/schema";
import { validationFailed } from "../../lib/errors";
import { formatMinor, moneyFields, toMajorNumber } from "../../lib/money";
import { todayIn } from "../../lib/dates";
import { type AssetRow, assetFor, latestValuation, presentValuation, recordsAlready, refuseAfterDisposal, storeValuation, valuationRow } from "../assets/service";
import { type Property, type PropertyAddress, RealEstateClient, ZESTIMATE_SOURCE, type Zestimate } from "../../providers/real-estate/client";
import { ApiError } from "../../lib/errors";

const usd = (minor: number | null) => (minor === null ? null : toMajorNumber(minor, 2));
const usdExact = (minor: number | null) => (minor === null ? null : formatMinor(minor, 2));

function present(z: Zestimate, p: Property | null) {
  return {
    propertyId: z.propertyId,
    zestimate: usd(z.zestimate)!,
    zestimateDecimal: usdExact(z.zestimate)!,
    rentZestimate: usd(z.rentZestimate),
    rentZestimateDecimal: usdExact(z.rentZestimate),
    currency: z.currency,
    lastUpdated: z.lastUpdated,
    valuationRange: { low: usd(z.low), high: usd(z.high), lowDecimal: usdExact(z.low), highDecimal: usdExact(z.high) },
    propertyDetails: p?.details ?? null,
    address: p?.address ?? null,
  };
}

const propertyNotFound = () => new ApiError(404, "RESOURCE_NOT_FOUND", "No property found at this address");

export async function lookup(svc: Services, address: PropertyAddress) {
  const client = RealEstateClient.fromEnv(svc.env);
  const property = await client.findProperty(address);
  if (!property) throw propertyNotFound();
  const z = await client.zestimate(property.propertyId);
  if (!z) throw propertyNotFound();
  return present(z, property);
}

function addressOf(asset: AssetRow): PropertyAddress {
  if (asset.type !== "real_estate") throw validationFailed([{ field: "assetId", message: "Only real_estate assets have a Zestimate", code: "NOT_REAL_ESTATE" }]);
  if (!asset.addressLine || !asset.city || !asset.state || !asset.zipCode) {
    throw validationFailed([{ field: "address", message: "The asset has no address; set one with PATCH /v1/assets/{assetId}", code: "ADDRESS_REQUIRED" }]);
  }
  if (asset.currency !== "USD") throw validationFailed([{ field: "currency", message: "Zestimates are in USD; this asset is valued in " + asset.currency, code: "CURRENCY_MISMATCH" }]);
  return { address: asset.addressLine, city: asset.city, state: asset.state, zipCode: asset.zipCode };
}

/** The asset's property and Zestimate; remembers the property id after the first look-up. */
export async function zestimateFor(svc: Services, asset: AssetRow): Promise<{ z: Zestimate; property: Property | null }> {
  const address = addressOf(asset);
  const client = RealEstateClient.fromEnv(svc.env);
  let property: Property | null = null;
  let id = asset.propertyId;
  if (!id) {
    property = await client.findProperty(address);
    if (!property) throw propertyNotFound();
    id = property.propertyId;
    // Only while the asset still has the address looked up: a PATCH of the address meanwhile cleared the property id, and
    // writing the old one back would have the daily refresh value the old address from then on.
    await svc.db.update(manualAssets).set({ propertyId: id }).where(and(
      eq(manualAssets.id, asset.id), eq(manualAssets.addressLine, address.address), eq(manualAssets.city, address.city),
      eq(manualAssets.state, address.state), eq(manualAssets.zipCode, address.zipCode),
    ));
  }
  const z = await client.zestimate(id);
  if (!z) throw propertyNotFound();
  return { z, property };
}

export async function getZestimate(svc: Services, auth: AuthContext, assetId: string) {
  const { asset } = await assetFor(svc, auth, assetId, "viewer");
  const address = addressOf(asset);
  const client = RealEstateClient.fromEnv(svc.env);
  // Details come from the search, so a read looks the address up each time (and does not write).
  const property = await client.findProperty(address);
  if (!property) throw propertyNotFound();
  const z = await client.zestimate(property.propertyId);
  if (!z) throw propertyNotFound();
  return present(z, property);
}

export async function sync(svc: Services, auth: AuthContext, assetId: string) {
  const { asset, membership } = await assetFor(svc, auth, assetId, "member");
  refuseAfterDisposal(asset, todayIn(svc.clock.now(), membership.space.timezone), "assetId");
  const previous = await latestValuation(svc, asset.id);
  const { z } = await zestimateFor(svc, asset);
  const now = svc.clock.now();
  const date = todayIn(now, membership.space.timezone);
  const unchanged = recordsAlready(previous, { value: z.zestimate, date, source: ZESTIMATE_SOURCE });
  const row = unchanged ? previous : valuationRow(asset, { value: z.zestimate, date, valuedAt: now, source: ZESTIMATE_SOURCE, createdBy: auth.userId }, now);
  if (!unchanged) await storeValuation(svc, row, "assetId", auth);
  return {
    previousValue: previous ? toMajorNumber(previous.value, 2) : null,
    previousValueDecimal: previous ? formatMinor(previous.value, 2) : null,
    ...moneyFields("newValue", z.zestimate, 2),
    currency: asset.currency,
    source: ZESTIMATE_SOURCE,
    valuationCreated: !unchanged,
    valuation: presentValuation(row),
  };
}
