/**
 * Households and Life Beat routes (API.md). Households are not spaces: who
 * may call is the household role (`x-household-role`: member or owner), the
 * rest of the gate is the same (404 for a household the caller cannot see,
 * 403 for a member who is not the owner).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { INVITATION_LIMITS } from "../../lib/rate-limits";
import { guards } from "../../middleware/auth";
import * as households from "./households";
import {
  AcceptInvitationSchema, AccessLogQuery, AccessLogSchema, AddHouseholdMemberBody, CheckInBody, CheckInSchema, CreateHouseholdBody,
  EmergencyAccessBody, GrantSchema, HouseholdIdParam, HouseholdMemberSchema, HouseholdQuery, HouseholdSchema, LifeBeatSchema, MemberParams,
  TokenParam, UpdateLifeBeatBody,
} from "./schemas";
import * as lifeBeat from "./service";

const common = { middleware: guards.user, security: bearer };
const WHO = {
  member: "Any active member of the household (the executor included) may call this; others get 404.",
  owner: "Only the household's owner may call this: other members get 403, anyone else 404.",
};
const role = (r: "member" | "owner") => ({ "x-household-role": r, description: WHO[r] }) as const;

export const householdRoutes = createRouter();
const htags = ["Households"];

householdRoutes.openapi(
  createRoute({
    ...common, method: "get", path: "/", tags: htags, summary: "List the households the caller belongs to", description: "Any signed-in user: their own households.",
    responses: { 200: json(z.array(HouseholdSchema), "Households"), ...errors(401, 429) },
  }),
  async (c) => c.json(await households.listHouseholds(c.get("services"), c.get("auth")), 200),
);

householdRoutes.openapi(
  createRoute({
    ...common, method: "post", path: "/", tags: htags, summary: "Create a household sharing spaces the caller owns (the caller becomes its owner)",
    description: "Any signed-in user; every listed space must be theirs as owner (404 for a space they cannot see, 403 for one they do not own).",
    request: { body: jsonBody(CreateHouseholdBody) },
    responses: { 201: json(HouseholdSchema, "Created"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await households.createHousehold(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

householdRoutes.openapi(
  createRoute({
    ...role("member"),
    ...common, method: "get", path: "/{householdId}", tags: htags, summary: "Get a household (any active member)",
    request: { params: HouseholdIdParam },
    responses: { 200: json(HouseholdSchema, "The household"), ...errors(401, 404, 429) },
  }),
  async (c) => c.json(await households.getHousehold(c.get("services"), c.get("auth"), c.req.valid("param").householdId), 200),
);

householdRoutes.openapi(
  createRoute({
    ...role("owner"),
    ...common, method: "post", path: "/{householdId}/members", tags: htags,
    summary: "Invite a member or an executor by email (owner); they join by accepting the single-use invitation",
    description: `${WHO.owner} Each invitation is an email: at most ${INVITATION_LIMITS.perInviter.limit} a day from one inviter, ${INVITATION_LIMITS.perPair.limit} a day from one inviter to one address (a "+tag" or another case is the same address) and ${INVITATION_LIMITS.perAddress.limit} a day to one address from everyone, on top of the general policy; past any, 429 with Retry-After and nothing stored or sent. An address already in the household (a member, or an invitation still live) is 409 and counts toward neither; an invitation of the address that expired unaccepted is renewed instead: the same member id, with the name, relationship and role given, a fresh single-use token emailed and a new expiry (a renewed executor invited as a member is no longer Life Beat's executor).`,
    request: { params: HouseholdIdParam, body: jsonBody(AddHouseholdMemberBody) },
    responses: { 201: json(HouseholdMemberSchema, "Invited"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) =>
    c.json(await households.addHouseholdMember(c.get("services"), c.get("auth"), c.req.valid("param").householdId, c.req.valid("json")), 201),
);

householdRoutes.openapi(
  createRoute({
    "x-household-role": "member",
    description: "The owner removes any member but themselves; a member whose role is `member` may remove themselves (leave), and no one else; an executor asks the owner (the owner relies on them for Life Beat). Other calls by members are 403, by anyone else 404. Their emergency access, their executor setting and the notices waiting for them end with the membership; an invitation not yet accepted can no longer be.",
    ...common, method: "delete", path: "/{householdId}/members/{memberId}", tags: htags,
    summary: "Remove a member (owner), or leave the household; their emergency access ends with the membership",
    request: { params: MemberParams },
    responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 429) },
  }),
  async (c) => {
    const { householdId, memberId } = c.req.valid("param");
    await households.removeHouseholdMember(c.get("services"), c.get("auth"), householdId, memberId);
    return c.body(null, 204);
  },
);

householdRoutes.openapi(
  createRoute({
    ...common, method: "post", path: "/invitations/{token}/accept", tags: htags,
    summary: "Accept a household invitation (the signed-in user the invitation was emailed to)",
    description: "The signed-in user whose email the invitation was sent to (403 otherwise); an unknown, used or expired token is 404.",
    request: { params: TokenParam },
    responses: { 200: json(AcceptInvitationSchema, "Joined"), ...errors(401, 403, 404, 409, 429) },
  }),
  async (c) => c.json(await households.acceptInvitation(c.get("services"), c.get("auth"), c.req.valid("param").token), 200),
);

export const lifeBeatRoutes = createRouter();
const ltags = ["Life Beat"];

lifeBeatRoutes.openapi(
  createRoute({
    ...role("member"),
    ...common, method: "get", path: "/", tags: ltags, summary: "Get a household's Life Beat state (any active member)",
    request: { query: HouseholdQuery },
    responses: { 200: json(LifeBeatSchema, "Life Beat"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await lifeBeat.getLifeBeat(c.get("services"), c.get("auth"), c.req.valid("query").householdId), 200),
);

lifeBeatRoutes.openapi(
  createRoute({
    ...role("owner"),
    ...common, method: "put", path: "/", tags: ltags, summary: "Configure Life Beat (owner); saving restarts the schedule from now",
    request: { body: jsonBody(UpdateLifeBeatBody) },
    responses: { 200: json(LifeBeatSchema, "Updated"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await lifeBeat.updateLifeBeat(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

lifeBeatRoutes.openapi(
  createRoute({
    ...role("owner"),
    ...common, method: "post", path: "/check-in", tags: ltags, summary: "Check in (owner): resets escalation and revokes emergency access",
    request: { body: jsonBody(CheckInBody) },
    responses: { 200: json(CheckInSchema, "Checked in"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await lifeBeat.checkIn(c.get("services"), c.get("auth"), c.req.valid("json").householdId), 200),
);

lifeBeatRoutes.openapi(
  createRoute({
    ...role("owner"),
    ...common, method: "post", path: "/emergency-access", tags: ltags, summary: "Grant an executor read-only emergency access until a time (owner)",
    description: `${WHO.owner} One live manual grant per executor: while one is unrevoked and unexpired, another is 409 DUPLICATE_RESOURCE (a check-in ends it).`,
    request: { body: jsonBody(EmergencyAccessBody) },
    responses: { 201: json(GrantSchema, "Granted"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await lifeBeat.grantEmergencyAccess(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

lifeBeatRoutes.openapi(
  createRoute({
    ...role("owner"),
    ...common, method: "get", path: "/access-log", tags: ltags, summary: "Every use of emergency access: who, what route, when (owner)",
    request: { query: AccessLogQuery },
    responses: { 200: json(AccessLogSchema, "Audit log"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await lifeBeat.accessLog(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);
