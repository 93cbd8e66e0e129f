import { createRoute } from "@hono/zod-openapi";
import { languageFromHeader } from "../../lib/i18n";
import { bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import {
  AuthResponse,
  CodeBody,
  ListSessionsQuery,
  LoginBody,
  PasswordChangeBody,
  PasswordChangeResponse,
  PasswordCodeBody,
  RefreshBody,
  RegisterBody,
  SessionIdParam,
  SessionListSchema,
  SessionsRevokedResponse,
  TwoFactorEnableResponse,
  TwoFactorSetupResponse,
  TwoFactorVerifyResponse,
  UpdateMeBody,
  UserSchema,
} from "./schemas";
import * as auth from "./service";
import * as sessions from "./sessions";

export const authRoutes = createRouter();
const tags = ["Auth"];

authRoutes.openapi(
  createRoute({
    method: "post", path: "/register", tags, summary: "Create a user account",
    middleware: guards.register,
    request: { body: jsonBody(RegisterBody) },
    responses: { 201: json(AuthResponse, "Account created and signed in"), ...errors(409, 422, 429) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    // A body without a locale takes the language the request reads its answers in (a Mexican browser's es-MX), not English.
    const locale = body.locale ?? languageFromHeader(c.req.header("accept-language")) ?? "en";
    return c.json(await auth.register(c.get("services"), { ...body, locale }), 201);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/login", tags, summary: "Log in with email and password (and a 2FA code when enabled)",
    middleware: guards.publicAuth,
    request: { body: jsonBody(LoginBody) },
    responses: { 200: json(AuthResponse, "Signed in"), ...errors(401, 422, 429) },
  }),
  async (c) => c.json(await auth.login(c.get("services"), c.req.valid("json")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/refresh", tags, summary: "Rotate a refresh token for a new token pair",
    middleware: guards.publicAuth,
    request: { body: jsonBody(RefreshBody) },
    responses: { 200: json(AuthResponse, "New token pair; the presented refresh token is spent"), ...errors(401, 422, 429) },
  }),
  async (c) => c.json(await auth.refresh(c.get("services"), c.req.valid("json").refreshToken), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/logout", tags, summary: "End this session (its access and refresh tokens stop working)",
    middleware: guards.user, security: bearer,
    responses: { 204: { description: "Signed out" }, ...errors(401, 429) },
  }),
  async (c) => {
    await auth.logout(c.get("services"), c.get("auth"));
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "get", path: "/me", tags, summary: "The signed-in user",
    middleware: guards.user, security: bearer,
    responses: { 200: json(UserSchema, "The user"), ...errors(401, 429) },
  }),
  async (c) => c.json(await auth.me(c.get("services"), c.get("auth")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "patch", path: "/me", tags, summary: "Change the signed-in user's name or language",
    description: "Emails and notices use the new language at once; error messages from the next access token (refresh to have one now). An empty body changes nothing.",
    middleware: guards.user, security: bearer,
    request: { body: jsonBody(UpdateMeBody) },
    responses: { 200: json(UserSchema, "The user as changed"), ...errors(401, 422, 429) },
  }),
  async (c) => c.json(await auth.updateMe(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/2fa/setup", tags, summary: "Start TOTP enrolment: returns a secret and otpauth URL",
    middleware: guards.userAuthPolicy, security: bearer,
    responses: { 200: json(TwoFactorSetupResponse, "Scan the URL, then call /2fa/enable"), ...errors(401, 409, 429) },
  }),
  async (c) => c.json(await auth.setupTwoFactor(c.get("services"), c.get("auth")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/2fa/enable", tags, summary: "Confirm enrolment with a valid code and the current password; returns one-time backup codes and ends the user's other sessions",
    middleware: guards.userAuthPolicy, security: bearer,
    request: { body: jsonBody(PasswordCodeBody) },
    responses: { 200: json(TwoFactorEnableResponse, "2FA enabled"), ...errors(401, 409, 422, 429) },
  }),
  async (c) => c.json(await auth.enableTwoFactor(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/2fa/verify", tags, summary: "Prove the second factor for a 15-minute step-up window",
    middleware: guards.userAuthPolicy, security: bearer,
    request: { body: jsonBody(CodeBody) },
    responses: { 200: json(TwoFactorVerifyResponse, "Step-up granted"), ...errors(401, 409, 422, 429) },
  }),
  async (c) => c.json(await auth.verifyStepUp(c.get("services"), c.get("auth"), c.req.valid("json").code), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/2fa/disable", tags, summary: "Turn 2FA off (requires a valid code and the current password); ends the user's other sessions",
    middleware: guards.userAuthPolicy, security: bearer,
    request: { body: jsonBody(PasswordCodeBody) },
    responses: { 204: { description: "2FA disabled" }, ...errors(401, 409, 422, 429) },
  }),
  async (c) => {
    await auth.disableTwoFactor(c.get("services"), c.get("auth"), c.req.valid("json"));
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/password", tags,
    summary: "Change the password (the current one, and a code when 2FA is on); ends every other session of the user",
    // The `auth` policy and the per-account guess limits, as for 2FA changes: a stolen access token cannot brute-force the password.
    middleware: guards.userAuthPolicy, security: bearer,
    request: { body: jsonBody(PasswordChangeBody) },
    responses: { 200: json(PasswordChangeResponse, "Password changed; this session stays signed in"), ...errors(401, 409, 422, 429) },
  }),
  async (c) => c.json(await auth.changePassword(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "get", path: "/sessions", tags, summary: "The signed-in user's live sessions, newest first (`current` marks this one)",
    middleware: guards.user, security: bearer,
    request: { query: ListSessionsQuery },
    responses: { 200: json(SessionListSchema, "The sessions"), ...errors(401, 422, 429) },
  }),
  async (c) => c.json(await sessions.listSessions(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

authRoutes.openapi(
  createRoute({
    method: "delete", path: "/sessions/{sessionId}", tags,
    summary: "End one of the signed-in user's sessions (its access and refresh tokens stop working; the current one is a logout)",
    middleware: guards.user, security: bearer,
    request: { params: SessionIdParam },
    responses: { 204: { description: "Session ended" }, ...errors(401, 404, 429) },
  }),
  async (c) => {
    await sessions.revokeOwnSession(c.get("services"), c.get("auth"), c.req.valid("param").sessionId);
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post", path: "/sessions/revoke-others", tags, summary: "End every session of the signed-in user but this one",
    middleware: guards.user, security: bearer,
    responses: { 200: json(SessionsRevokedResponse, "Other sessions ended"), ...errors(401, 429) },
  }),
  async (c) => c.json(await sessions.revokeOtherSessions(c.get("services"), c.get("auth")), 200),
);
