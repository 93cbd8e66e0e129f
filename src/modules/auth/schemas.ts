import { z } from "@hono/zod-openapi";
import { VisibleName } from "../../lib/visible-text";

import { EmailAddress } from "../../lib/email-schema";
import { LOCALES, supported } from "../../lib/i18n";
import { queryInt } from "../../lib/query-int";
import { Pagination } from "../accounts/schemas";

export { LOCALES };

const email = EmailAddress;

/** A password being chosen (registering, or changing it). */
const newPassword = z
  .string()
  .min(8, { message: "Must be at least 8 characters" })
  .max(128)
  // Eight spaces are eight characters but no secret; a password keeps its spaces, though (they are typed).
  .refine((p) => p.trim().length > 0, { message: "Must not be only spaces" });

/**
 * Any tag of a supported language, as Accept-Language takes it (a Mexican client's es-MX is Spanish), stored as the
 * language's code.
 */
const localeTag = z
  .string()
  .max(35)
  .refine((tag) => supported(tag) !== undefined, { message: `A language tag of one of ${LOCALES.join(", ")} (such as es-MX or pt-BR)`, params: { code: "INVALID_VALUE" } });

export const RegisterBody = z
  .object({
    name: VisibleName(120).openapi({ example: "John Doe" }),
    email,
    password: newPassword,
    // No default here: without one the route reads Accept-Language.
    locale: localeTag.optional().openapi({
      example: "pt-BR",
      description: "The language of the user's error messages, notifications and new spaces' category names: English, Spanish or Brazilian Portuguese. Any tag of those languages (es-MX, es-419, pt-BR, pt_BR) is taken, and stored as its language (`es`, `pt`). Without it, the request's `Accept-Language` chooses, as it chooses the language of the answer (the preferred supported language, else `en`)",
    }),
  })
  .openapi("RegisterRequest");

export const LoginBody = z
  .object({
    email,
    password: z.string().min(1).max(128),
    /** Required when the account has 2FA: a TOTP code or an unused backup code. */
    totpCode: z.string().min(1).max(32).optional(),
  })
  .openapi("LoginRequest");

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) }).openapi("RefreshRequest");

export const CodeBody = z
  .object({ code: z.string().trim().min(6).max(32).openapi({ example: "123456" }) })
  .openapi("SecondFactorCode");

/** Turning 2FA on or off: a code and, so that a stolen access token is not enough, the current password. */
export const PasswordCodeBody = z
  .object({
    code: z.string().trim().min(6).max(32).openapi({ example: "123456" }),
    password: z.string().min(1).max(128).openapi({ example: "your current password" }),
  })
  .openapi("SecondFactorChange");

/** Changing the password: the current one, and a second-factor code when the account has 2FA (as turning it off takes). */
export const PasswordChangeBody = z
  .object({
    currentPassword: z.string().min(1).max(128).openapi({ example: "your current password" }),
    newPassword: newPassword.openapi({ example: "a new long passphrase" }),
    /** Required when the account has 2FA: a TOTP code or an unused backup code; ignored otherwise. */
    code: z.string().trim().min(6).max(32).optional().openapi({ example: "123456", description: "Required when two-factor authentication is on: a TOTP code or an unused backup code; ignored otherwise" }),
  })
  .refine((b) => b.newPassword !== b.currentPassword, {
    path: ["newPassword"],
    message: "Must differ from the current password",
    params: { code: "SAME_AS_CURRENT" },
  })
  .openapi("PasswordChange");

/** How many other sessions a change ended (their access and refresh tokens no longer work). */
const revokedSessions = z.number().int().openapi({ description: "Other sessions of the user that were ended; the caller's stays", example: 2 });

export const PasswordChangeResponse = z.object({ revokedSessions }).openapi("PasswordChanged");

export const SessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_123" }),
    createdAt: z.string(),
    lastRefreshedAt: z.string().openapi({ description: "When its tokens were last issued: at sign-in or its last refresh" }),
    expiresAt: z.string(),
    current: z.boolean().openapi({ description: "True for the session of the access token making this request" }),
  })
  .openapi("Session");

export const SessionListSchema = z.object({ sessions: z.array(SessionSchema), pagination: Pagination }).openapi("SessionList");

export const ListSessionsQuery = z.object({
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

export const SessionIdParam = z.object({ sessionId: z.string().min(1).max(64).openapi({ param: { name: "sessionId", in: "path" } }) });

export const SessionsRevokedResponse = z.object({ revokedSessions }).openapi("SessionsRevoked");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    locale: z.string(),
    twoFactorEnabled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("User");

export const UpdateMeBody = z
  .object({
    name: VisibleName(120).optional().openapi({ example: "Juana Pérez" }),
    locale: localeTag.optional().openapi({
      example: "es-MX",
      description: "The user's language from now on (stored as `en`, `es` or `pt`): emails and notices at once, new spaces' category names, and error messages from the next access token (POST /v1/auth/refresh gives one at once; the current one keeps its language until it expires, within 15 minutes)",
    }),
  })
  .strict()
  .openapi("UpdateMeRequest");

export const TokensSchema = z
  .object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int() })
  .openapi("Tokens");

export const AuthResponse = z.object({ user: UserSchema, tokens: TokensSchema }).openapi("AuthResponse");

export const TwoFactorSetupResponse = z
  .object({ secret: z.string(), otpauthUrl: z.string() })
  .openapi("TwoFactorSetup");

export const TwoFactorEnableResponse = z
  .object({ enabled: z.literal(true), backupCodes: z.array(z.string()), revokedSessions })
  .openapi("TwoFactorEnabled");

export const TwoFactorVerifyResponse = z
  .object({ verified: z.literal(true), stepUpExpiresAt: z.string() })
  .openapi("TwoFactorVerified");
