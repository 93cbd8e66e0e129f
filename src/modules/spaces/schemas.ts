import { z } from "@hono/zod-openapi";
import { VisibleName } from "../../lib/visible-text";
import { EmailAddress } from "../../lib/email-schema";
import { FIAT_CURRENCIES } from "../../lib/money";
import { canonicalTimeZone } from "../../lib/zoned-time";
import { ROLES } from "./access";

export const SpaceIdParam = z.object({
  spaceId: z.string().min(1).max(64).openapi({ param: { name: "spaceId", in: "path" }, example: "spc_01hx..." }),
});

export const MemberParams = SpaceIdParam.extend({
  userId: z.string().min(1).max(64).openapi({ param: { name: "userId", in: "path" } }),
});

const currency = z.enum(FIAT_CURRENCIES).openapi({ example: "USD" });

/** An IANA time zone the runtime knows, e.g. America/Mexico_City. */
export const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    // The runtime also takes an offset ("+05:30", "-00:00"): not a zone, and no daylight-saving rules.
    const first = tz.charCodeAt(0);
    if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false;
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, { message: "Must be an IANA time zone such as America/Mexico_City", params: { code: "INVALID_VALUE" } })
  // Stored in its canonical spelling ("america/mexico_city" and "US/Pacific" are America/Mexico_City and
  // America/Los_Angeles), which clients that look zones up by exact name can find.
  .transform(canonicalTimeZone)
  .openapi({ example: "America/Mexico_City", description: "An IANA time zone, stored and shown in its canonical spelling" });

export const CreateSpaceBody = z
  .object({
    name: VisibleName(120).openapi({ example: "Business Accounts" }),
    type: z.enum(["personal", "business"]),
    currency,
    timezone: TimeZone.optional(),
  })
  .strict()
  .openapi("CreateSpaceRequest");

export const UpdateSpaceBody = z
  .object({
    name: VisibleName(120).optional(),
    type: z.enum(["personal", "business"]).optional(),
    currency: currency.optional(),
    timezone: TimeZone.optional().openapi({
      description:
        "The zone the space's days are read in. Recorded entries keep their instants, so a change moves the day an entry written as a date " +
        "falls on (2025-03-01 written in Asia/Tokyo reads as 2025-02-28 in America/Los_Angeles), in lists, budgets and statements alike.",
    }),
  })
  .strict()
  .openapi("UpdateSpaceRequest");

export const SpaceAccountSummary = z.object({
  id: z.string(),
  name: z.string(),
  balance: z.number(),
  balanceDecimal: z.string().openapi({ example: "1500.00", description: "The exact balance as a decimal string, at the currency's scale" }),
  currency: z.string(),
  provider: z.string(),
});

export const OwnershipOfferSchema = z
  .object({
    spaceId: z.string(),
    userId: z.string().openapi({ description: "The member the space is offered to: only they may accept it" }),
    offeredBy: z.string().openapi({ description: "The owner who made the offer" }),
    createdAt: z.string(),
    expiresAt: z.string().openapi({ description: "After it the offer can no longer be accepted (7 days after it was made)" }),
  })
  .openapi("OwnershipOffer");

export const SpaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(["personal", "business"]),
    currency: z.string(),
    timezone: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    updatedAt: z.string(),
    accounts: z.array(SpaceAccountSummary),
    ownerOffer: OwnershipOfferSchema.optional().openapi({
      description: "The space's pending ownership offer: shown by GET /v1/spaces/{spaceId} to the owner and to the member it names only",
    }),
  })
  .openapi("Space");

export const MemberSchema = z
  .object({ userId: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES), joinedAt: z.string() })
  .openapi("SpaceMember");

const assignableRole = z.enum(["admin", "member", "viewer"]).openapi({ example: "viewer" });

export const AddMemberBody = z
  .object({ email: EmailAddress, role: assignableRole })
  .strict()
  .openapi("AddMemberRequest");

export const UpdateMemberBody = z.object({ role: assignableRole })
  .strict().openapi("UpdateMemberRequest");

export const TransferOwnershipBody = z
  .object({
    userId: z.string().min(1).max(64).openapi({ example: "usr_01hx...", description: "The user id of a current member of the space (not the owner)" }),
  })
  .strict()
  .openapi("TransferOwnershipRequest");

