import type { Catalogue } from "./catalogue";

/**
 * English. Errors raised in code carry their own, more specific English
 * message; these are the standard wording for each code.
 */
export const en: Catalogue = {
  errors: {
    BAD_REQUEST: "The request is malformed.",
    UNAUTHORIZED: "Authentication token invalid or expired.",
    FORBIDDEN: "Your role in this space does not allow this operation.",
    VALIDATION_FAILED: "Validation failed for the provided data.",
    RESOURCE_NOT_FOUND: "Resource not found.",
    METHOD_NOT_ALLOWED: "This method is not allowed on this resource.",
    DUPLICATE_RESOURCE: "The resource already exists.",
    CONFLICT: "The request conflicts with the resource's current state.",
    PAYLOAD_TOO_LARGE: "The request body is too large.",
    UNSUPPORTED_MEDIA_TYPE: "Send the request body as application/json.",
    PROVIDER_ERROR: "The financial provider refused or failed the request.",
    RATE_LIMIT_EXCEEDED: "Too many requests; try again after the time in Retry-After.",
    INSUFFICIENT_FUNDS: "The account does not have enough funds.",
    SYNC_IN_PROGRESS: "A sync is already running for this account.",
    ALREADY_REVERTED: "The transaction has already been reverted.",
    IDEMPOTENCY_KEY_REUSED: "This Idempotency-Key was already used with a different request.",
    TWO_FACTOR_REQUIRED: "This operation requires a recent second-factor verification.",
    TOKEN_INVALID: "This link is not valid.",
    TOKEN_EXPIRED: "This link has expired; request a new one.",
    TOKEN_ALREADY_USED: "This link has already been used.",
    QUOTA_EXCEEDED: "This space's storage quota would be exceeded.",
    PROVIDER_UNAVAILABLE: "No provider is available for this request right now.",
    INTERNAL_ERROR: "An unexpected error occurred.",
  },
  details: {
    default: "This value is not valid.",
    REQUIRED: "This field is required.",
    UNKNOWN_FIELD: "Unknown field: this request does not accept it.",
    INVALID_TYPE: "This value has the wrong type.",
    INVALID_VALUE: "This value is not one of the allowed values.",
    INVALID_FORMAT: "This value does not have the expected format.",
    INVALID_EMAIL: "This is not a valid email address.",
    INVALID_UNION: "This value does not match any accepted form.",
    TOO_SMALL: "This value is too small or too short.",
    TOO_BIG: "This value is too big or too long.",
    INVALID_AMOUNT: "This amount is not valid for the currency.",
    INEXACT_NUMBER: "This number cannot be represented exactly; send it as a decimal string.",
    INVALID_TEXT: "This text holds an unpaired surrogate; send well-formed Unicode.",
    CURRENCY_MISMATCH: "The currencies do not match.",
    INSUFFICIENT_FUNDS: "Not enough funds.",
    INVALID_CURSOR: "This cursor is not valid.",
    CURSOR_CONFLICT: "This differs from the query the cursor pages; send the cursor alone or with the same values.",
    INVALID_KEY: "This key is not allowed.",
    INVALID_BOOKMARK: "This bookmark is not valid.",
    INVALID_RANGE: "This range is not valid.",
    INVALID_CODE: "This code is not valid.",
    INVALID_PASSWORD: "The password is not correct.",
    SAME_AS_CURRENT: "This must differ from the current value.",
  },
  emails: {
    // A webhook that disabled itself after its run of failed attempts, to its creator (webhooks/notify.ts).
    webhookDisabled: {
      subject: "Dhanam: your webhook to {host} was disabled",
      text:
        "Your webhook {webhookId} in the space \"{space}\", which sends to {host}, was disabled on {time} after {failures} consecutive failed delivery attempts.\n\nWhile it is disabled it is sent nothing. The deliveries that were waiting for a retry were cancelled (its delivery log shows them with the error \"Subscription disabled\"), and events that happen while it is disabled are not delivered to it: re-enabling it sends none of them.\n\nTo receive events again, fix the receiver and re-enable the webhook with PATCH /v1/webhooks/{webhookId} and {\"enabled\": true}; it then receives the events created from that moment on. Its delivery log (GET /v1/webhooks/{webhookId}/deliveries) shows each failed attempt and its error.",
    },
  },
};
