import { queryInt } from "../../lib/query-int";
import { VisibleName } from "../../lib/visible-text";
import { z } from "@hono/zod-openapi";
import { EmailAddress } from "../../lib/email-schema";
import { Instant } from "../../lib/dates";

export const INTERVALS = ["weekly", "biweekly", "monthly"] as const;
export type Interval = (typeof INTERVALS)[number];
export const CHANNELS = ["email", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];
export const MEMBER_ROLES = ["owner", "member", "executor"] as const;
export const MAX_HOUSEHOLD_SPACES = 50;

const Id = z.string().min(1).max(64);

export const HouseholdIdParam = z.object({ householdId: Id.openapi({ param: { name: "householdId", in: "path" } }) });
export const MemberParams = z.object({
  householdId: Id.openapi({ param: { name: "householdId", in: "path" } }),
  memberId: Id.openapi({ param: { name: "memberId", in: "path" } }),
});
export const TokenParam = z.object({ token: z.string().min(1).max(200).openapi({ param: { name: "token", in: "path" } }) });

export const CreateHouseholdBody = z
  .object({
    name: VisibleName(120).openapi({ example: "García Family" }),
    spaceIds: z.array(Id).max(MAX_HOUSEHOLD_SPACES).default([]).openapi({ description: "Spaces the caller owns, shared with the household" }),
  })
  .strict()
  .openapi("CreateHouseholdRequest");

export const AddHouseholdMemberBody = z
  .object({
    email: EmailAddress,
    name: VisibleName(120).optional(),
    relationship: VisibleName(60).openapi({ example: "spouse" }),
    role: z.enum(["member", "executor"]),
  })
  .strict()
  .openapi("AddHouseholdMemberRequest");

export const HouseholdMemberSchema = z
  .object({
    id: z.string().openapi({ example: "hhm_01jh7x2b4c9d8e7f6g5h4j3k2m" }),
    householdId: z.string(),
    userId: z.string().nullable(),
    email: z.string(),
    name: z.string().nullable(),
    relationship: z.string(),
    role: z.enum(MEMBER_ROLES),
    status: z.enum(["invited", "active"]),
    invitedAt: z.string(),
    joinedAt: z.string().nullable(),
    invitationExpiresAt: z.string().nullable(),
  })
  .openapi("HouseholdMember");

export const HouseholdSchema = z
  .object({
    id: z.string().openapi({ example: "hh_01jh7x2b4c9d8e7f6g5h4j3k2m" }),
    name: z.string(),
    ownerId: z.string(),
    spaceIds: z.array(z.string()),
    spaces: z.array(z.object({ id: z.string(), name: z.string() })),
    members: z.array(HouseholdMemberSchema),
    lifeBeat: z.object({ enabled: z.boolean(), currentEscalationLevel: z.number().int() }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Household");

export const AcceptInvitationSchema = z
  .object({ household: HouseholdSchema, member: HouseholdMemberSchema })
  .openapi("AcceptedInvitation");

export const HouseholdQuery = z.object({ householdId: Id });

const EscalationDays = z
  .array(z.number().int().min(1).max(3650))
  .min(1)
  .max(10)
  .refine((d) => d.every((x, i) => i === 0 || x > d[i - 1]!), { message: "Escalation days must be strictly increasing", params: { code: "INVALID_VALUE" } })
  .openapi({ example: [30, 60, 90] });

export const UpdateLifeBeatBody = z
  .object({
    householdId: Id,
    enabled: z.boolean().optional(),
    checkInInterval: z.enum(INTERVALS).optional(),
    escalationDays: EscalationDays.optional(),
    executorId: Id.nullable().optional().openapi({ description: "A household member with the executor role" }),
    notificationChannels: z.array(z.enum(CHANNELS)).min(1).max(2).optional(),
    smsNumber: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, "An E.164 phone number, e.g. +14155550123")
      .nullable()
      .optional()
      .openapi({ description: "The owner's phone for the sms channel (E.164)" }),
    emergencyAccessDays: z.number().int().min(1).max(365).optional().openapi({ description: "How long an escalation grant lasts (default 30)" }),
  })
  .strict()
  .openapi("UpdateLifeBeatRequest");

export const GrantSchema = z
  .object({
    id: z.string(),
    householdId: z.string(),
    executorId: z.string(),
    accessLevel: z.literal("read-only"),
    source: z.enum(["escalation", "manual"]),
    grantedAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    status: z.enum(["active", "expired", "revoked"]),
  })
  .openapi("EmergencyAccessGrant");

export const LifeBeatSchema = z
  .object({
    householdId: z.string(),
    enabled: z.boolean(),
    checkInInterval: z.enum(INTERVALS),
    lastCheckIn: z.string().openapi({ example: "2025-01-10T09:00:00.000Z" }),
    nextCheckInDue: z.string(),
    escalationDays: z.array(z.number().int()),
    currentEscalationLevel: z.number().int(),
    nextEscalationAt: z.string().nullable(),
    executorId: z.string().nullable(),
    notificationChannels: z.array(z.enum(CHANNELS)),
    smsNumber: z.string().nullable().openapi({ description: "The owner's number for sms notices; other members see only its last two digits" }),
    emergencyAccessDays: z.number().int(),
    emergencyAccess: z.array(GrantSchema),
  })
  .openapi("LifeBeat");

export const CheckInBody = z.object({ householdId: Id })
  .strict().openapi("LifeBeatCheckInRequest");

export const CheckInSchema = z
  .object({
    householdId: z.string(),
    lastCheckIn: z.string(),
    nextCheckInDue: z.string(),
    escalationReset: z.literal(true),
    currentEscalationLevel: z.number().int(),
    revokedGrants: z.number().int(),
  })
  .openapi("LifeBeatCheckIn");

export const EmergencyAccessBody = z
  .object({
    householdId: Id,
    executorId: Id.optional().openapi({ description: "Defaults to the configured executor" }),
    accessLevel: z.literal("read-only").default("read-only"),
    expiresAt: Instant.openapi({ example: "2030-02-15T00:00:00Z" }),
  })
  .strict()
  .openapi("EmergencyAccessRequest");

export const AccessLogQuery = z.object({
  householdId: Id,
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

export const AccessLogSchema = z
  .object({
    entries: z.array(
      z.object({
        id: z.string(),
        grantId: z.string(),
        userId: z.string(),
        spaceId: z.string(),
        method: z.string(),
        path: z.string(),
        allowed: z.boolean(),
        at: z.string(),
      }),
    ),
    pagination: z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), hasMore: z.boolean() }),
  })
  .openapi("EmergencyAccessLog");
