import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { MEMBER_ADD_LIMITS } from "../../lib/rate-limits";
import { guards } from "../../middleware/auth";
import * as members from "./members";
import {
  AddMemberBody,
  CreateSpaceBody,
  MemberParams,
  MemberSchema,
  OwnershipOfferSchema,
  SpaceIdParam,
  SpaceSchema,
  TransferOwnershipBody,
  UpdateMemberBody,
  UpdateSpaceBody,
} from "./schemas";
import * as spaces from "./service";

export const spaceRoutes = createRouter();
const tags = ["Spaces"];
const common = { middleware: guards.user, security: bearer };

spaceRoutes.openapi(
  createRoute({
    ...common, method: "get", path: "/", tags, summary: "List the caller's spaces",
    responses: { 200: json(z.array(SpaceSchema), "Spaces the caller is a member of"), ...errors(401, 429) },
  }),
  async (c) => c.json(await spaces.listSpaces(c.get("services"), c.get("auth")), 200),
);

spaceRoutes.openapi(
  createRoute({
    ...common, method: "post", path: "/", tags, summary: "Create a space (the caller becomes its owner)",
    description: `A user may own at most ${spaces.MAX_OWNED_SPACES} live spaces (\`422 LIMIT_REACHED\`); spaces they are a member of do not count.`,
    request: { body: jsonBody(CreateSpaceBody) },
    responses: { 201: json(SpaceSchema, "Created"), ...errors(401, 422, 429) },
  }),
  async (c) => c.json(await spaces.createSpace(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

spaceRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...common, method: "get", path: "/{spaceId}", tags, summary: "Get a space",
    description: "`ownerOffer`, the space's pending ownership offer (`POST /v1/spaces/{spaceId}/owner`), is shown to the space's owner and to the member it names; to anyone else, and when there is none, it is absent.",
    request: { params: SpaceIdParam },
    responses: { 200: json(SpaceSchema, "The space"), ...errors(401, 404, 429) },
  }),
  async (c) => c.json(await spaces.getSpace(c.get("services"), c.get("auth"), c.req.valid("param").spaceId), 200),
);

spaceRoutes.openapi(
  createRoute({
    ...access("member"),
    ...common, method: "patch", path: "/{spaceId}", tags, summary: "Update a space's details",
    request: { params: SpaceIdParam, body: jsonBody(UpdateSpaceBody) },
    responses: { 200: json(SpaceSchema, "Updated"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) =>
    c.json(await spaces.updateSpace(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("json")), 200),
);

spaceRoutes.openapi(
  createRoute({
    ...access("owner", { twoFactor: true }),
    ...common, method: "delete", path: "/{spaceId}", tags, summary: "Delete a space",
    request: { params: SpaceIdParam },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 429) },
  }),
  async (c) => {
    await spaces.deleteSpace(c.get("services"), c.get("auth"), c.req.valid("param").spaceId);
    return c.body(null, 204);
  },
);

spaceRoutes.openapi(
  createRoute({
    ...access("owner", { twoFactor: true }),
    ...common, method: "post", path: "/{spaceId}/owner", tags, summary: "Offer the space to another of its members (owner, with 2FA)",
    description:
      `Only the space's owner may call this, with two-factor authentication enabled and confirmed within the last 15 minutes (\`POST /v1/auth/2fa/verify\`), else 403 \`TWO_FACTOR_REQUIRED\`, as for deleting the space. Nothing changes hands yet: the member named becomes the owner only when they accept (\`POST /v1/spaces/{spaceId}/owner/accept\`) within 7 days. A space has at most one pending offer: a new one replaces it; the owner withdraws it with \`DELETE /v1/spaces/{spaceId}/owner/offer\`. The owner and the member named see it as \`ownerOffer\` in \`GET /v1/spaces/{spaceId}\`. The caller's own id is a 422; a user who is not a member of the space (a Life Beat emergency grant is not a membership) is a 404 \`Member not found\`; a member who already owns ${spaces.MAX_OWNED_SPACES} live spaces is a 422 \`LIMIT_REACHED\`. Answers the offer.`,
    request: { params: SpaceIdParam, body: jsonBody(TransferOwnershipBody) },
    responses: { 202: json(OwnershipOfferSchema, "The offer, pending the member's acceptance"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) =>
    c.json(await spaces.offerOwnership(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("json").userId), 202),
);

spaceRoutes.openapi(
  createRoute({
    ...access("owner"),
    ...common, method: "delete", path: "/{spaceId}/owner/offer", tags, summary: "Withdraw the space's pending ownership offer (owner)",
    description: "None pending is a 404 `Ownership offer not found`. A caller with two-factor authentication enabled must have confirmed it within the last 15 minutes.",
    request: { params: SpaceIdParam },
    responses: { 204: { description: "Withdrawn" }, ...errors(401, 403, 404, 409, 429) },
  }),
  async (c) => {
    await spaces.withdrawOwnershipOffer(c.get("services"), c.get("auth"), c.req.valid("param").spaceId);
    return c.body(null, 204);
  },
);

spaceRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...common, method: "post", path: "/{spaceId}/owner/accept", tags, summary: "Accept the space's ownership offered to the caller",
    description:
      `The member the pending offer names becomes the space's owner, and the owner who offered it an \`admin\`; the owner's id and both roles change together or not at all, and the offer ends. No pending offer naming the caller (never made, withdrawn, replaced, expired, or already accepted) is a 404 \`Ownership offer not found\`; a caller who already owns ${spaces.MAX_OWNED_SPACES} live spaces is a 422 \`LIMIT_REACHED\`. A caller with two-factor authentication enabled must have confirmed it within the last 15 minutes, else 403 \`TWO_FACTOR_REQUIRED\`. The space leaves the households of the previous owner (only a space's owner shares it with a household). Answers the space as \`GET /v1/spaces/{spaceId}\` shows it to the caller, now its owner.`,
    request: { params: SpaceIdParam },
    responses: { 200: json(SpaceSchema, "The space, with the caller now its owner"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await spaces.acceptOwnership(c.get("services"), c.get("auth"), c.req.valid("param").spaceId), 200),
);

spaceRoutes.openapi(
  createRoute({
    ...access("member"),
    ...common, method: "get", path: "/{spaceId}/members", tags, summary: "List a space's members (not for viewers: it shows emails)",
    request: { params: SpaceIdParam },
    responses: { 200: json(z.array(MemberSchema), "Members"), ...errors(401, 403, 404, 429) },
  }),
  async (c) => c.json(await members.listMembers(c.get("services"), c.get("auth"), c.req.valid("param").spaceId), 200),
);

spaceRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...common, method: "post", path: "/{spaceId}/members", tags, summary: "Add an existing user to the space (admin)",
    description: `At most ${MEMBER_ADD_LIMITS.perAdder.limit} attempts a day per adding user, found or not (each says whether the address has an account), on top of the general policy; past it, 429 with Retry-After and nothing looked up.`,
    request: { params: SpaceIdParam, body: jsonBody(AddMemberBody) },
    responses: { 201: json(MemberSchema, "Added"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) =>
    c.json(await members.addMember(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("json")), 201),
);

spaceRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...common, method: "patch", path: "/{spaceId}/members/{userId}", tags, summary: "Change a member's role (admin)",
    description: "A change that another's write to the member overtook is checked again against what that left (404 when the member was removed, 403 when they now outrank the caller); 409 only if the member kept changing at every attempt.",
    request: { params: MemberParams, body: jsonBody(UpdateMemberBody) },
    responses: { 200: json(MemberSchema, "Updated"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => {
    const { spaceId, userId } = c.req.valid("param");
    return c.json(await members.updateMember(c.get("services"), c.get("auth"), spaceId, userId, c.req.valid("json").role), 200);
  },
);

spaceRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...common, method: "delete", path: "/{spaceId}/members/{userId}", tags, summary: "Remove a member (admin), or leave the space",
    description:
      "Removing another member requires the `admin` role or above in the space; a caller with two-factor authentication enabled must have confirmed it in this session within the last 15 minutes (`POST /v1/auth/2fa/verify`), else 403 `TWO_FACTOR_REQUIRED`. Any member may remove themself (leave), with no second factor; the owner cannot leave. A removal that another's write to the member overtook is checked again against what that left: a member already removed is a 404 (a second DELETE is not a 204), one who now outranks the caller a 403; 409 only if the member kept changing at every attempt.",
    request: { params: MemberParams },
    responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 409, 429) },
  }),
  async (c) => {
    const { spaceId, userId } = c.req.valid("param");
    await members.removeMember(c.get("services"), c.get("auth"), spaceId, userId);
    return c.body(null, 204);
  },
);
