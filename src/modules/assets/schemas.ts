import { queryInt } from "../../lib/query-int";
import { VisibleName } from "../../lib/visible-text";
import { z } from "@hono/zod-openapi";
import { CalendarDay } from "../../lib/dates";
import { ASSET_TYPES } from "../../db/schema-assets";
import { CURRENCIES } from "../../lib/money";
import { MajorAmount } from "../../lib/amount-schema";
import { Pagination } from "../accounts/schemas";

const Id = z.string().min(1).max(64);

/**
 * Assets a space may hold (disposed ones too; a deleted one makes room). Every read of the space's net worth, its
 * dashboard and its asset list goes over all of them, and each one linked to a catalog item or a property costs a
 * provider call in every daily refresh: without a bound, one member's requests would slow the space for the others.
 */
export const MAX_ASSETS_PER_SPACE = 500;

/** A street address, as seed 000's real-estate look-up takes it. */
export const AddressInput = z
  .object({
    address: z.string().trim().min(1).max(200).openapi({ example: "123 Main Street" }),
    city: z.string().trim().min(1).max(100).openapi({ example: "San Francisco" }),
    state: z.string().trim().min(1).max(60).openapi({ example: "CA" }),
    zipCode: z.string().trim().min(1).max(20).openapi({ example: "94102" }),
  })
  .strict()
  .openapi("Address");

const DisposedOn = CalendarDay.nullable().openapi({
  example: "2025-10-15",
  description:
    "Day (space time zone) the asset was sold or disposed of: net worth counts it on the days before and not from this day on, " +
    "and its valuations stay (DELETE would remove it from every past day too). Not in the future, not before its first valuation; null undoes it",
});

const AssetValue = MajorAmount.openapi({
  example: "850000.00",
  description: "Major units of the asset's currency: a number or decimal string with no more decimals than the currency allows; not negative",
});

export const CreateAssetBody = z
  .object({
    spaceId: Id,
    name: VisibleName(120).openapi({ example: "Family Home" }),
    type: z.enum(ASSET_TYPES),
    currency: z.enum(CURRENCIES).openapi({ example: "USD" }),
    value: AssetValue,
    valuationDate: CalendarDay.optional().openapi({ description: "Day (space time zone) the value is as of; default today" }),
    description: z.string().max(1000).optional(),
    address: AddressInput.optional(),
    disposedOn: DisposedOn.optional(),
  })
  .strict()
  .openapi("CreateAssetRequest");

export const UpdateAssetBody = z
  .object({
    name: VisibleName(120).optional(),
    description: z.string().max(1000).nullable().optional(),
    address: AddressInput.nullable().optional(),
    value: AssetValue.optional().openapi({ description: "Records a manual valuation as of today (refused after the asset's disposal day)" }),
    disposedOn: DisposedOn.optional(),
  })
  .strict()
  .openapi("UpdateAssetRequest");

export const CreateValuationBody = z
  .object({
    value: AssetValue,
    date: CalendarDay.optional().openapi({ description: "Day (space time zone) the value is as of; default now. Not in the future, nor after the asset's disposal day." }),
    source: z.string().trim().min(1).max(80).optional().openapi({ example: "appraisal", description: "Default `manual`" }),
    notes: z.string().max(500).optional(),
  })
  .strict()
  .openapi("CreateValuationRequest");

export const ValuationSchema = z
  .object({
    id: z.string(),
    assetId: z.string(),
    value: z.number(),
    valueDecimal: z.string().openapi({ example: "875000.00", description: "Exact decimal string; the number beside is for convenience" }),
    currency: z.string(),
    date: z.string(),
    valuedAt: z.string(),
    source: z.string(),
    notes: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Valuation");

export const AssetSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    name: z.string(),
    type: z.enum(ASSET_TYPES),
    currency: z.string(),
    description: z.string().nullable(),
    currentValue: z.number().nullable(),
    currentValueDecimal: z.string().nullable().openapi({ description: "The latest valuation, exact" }),
    valuationDate: z.string().nullable(),
    valuationSource: z.string().nullable(),
    address: AddressInput.nullable(),
    collectibleLink: z
      .object({ provider: z.string(), category: z.string(), externalId: z.string(), name: z.string().nullable() })
      .nullable(),
    disposedOn: z.string().nullable().openapi({
      example: null,
      description: "Day (space time zone) the asset was sold or disposed of; null while held. Net worth counts it only on the days before",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Asset");

export const AssetListSchema = z.object({ assets: z.array(AssetSchema), pagination: Pagination }).openapi("AssetList");
export const ValuationListSchema = z
  .object({ assetId: z.string(), currency: z.string(), valuations: z.array(ValuationSchema), pagination: Pagination })
  .openapi("ValuationList");

export const AssetIdParam = z.object({ assetId: Id.openapi({ param: { name: "assetId", in: "path" } }) });
export const ListAssetsQuery = z.object({
  spaceId: Id,
  type: z.enum(ASSET_TYPES).optional(),
  disposed: z.enum(["true", "false"]).optional().openapi({ description: "true: only disposed assets; false: only those held; default both" }),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});
export const PageQuery = z.object({
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});
