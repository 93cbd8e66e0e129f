import type { ErrorCode } from "../errors";

/**
 * One language's messages: a message for every error code (the type makes a
 * missing one a compile error), and for the common field-level detail codes.
 */
export interface Catalogue {
  errors: Record<ErrorCode, string>;
  /** Field-level messages by detail code; `default` for a code the catalogue does not name. */
  details: Record<DetailCode, string>;
  /**
   * Translations of the specific English messages code raises, by their exact English text. A message without
   * one falls back to its code's standard wording (a detail keeps the English after it, so no guidance is lost).
   */
  phrases?: Record<string, string>;
}

export type DetailCode =
  | "default"
  | "REQUIRED"
  | "UNKNOWN_FIELD"
  | "INVALID_TYPE"
  | "INVALID_VALUE"
  | "INVALID_FORMAT"
  | "INVALID_EMAIL"
  | "INVALID_UNION"
  | "TOO_SMALL"
  | "TOO_BIG"
  | "INVALID_AMOUNT"
  | "INEXACT_NUMBER"
  | "INVALID_TEXT"
  | "CURRENCY_MISMATCH"
  | "INSUFFICIENT_FUNDS"
  | "INVALID_CURSOR"
  | "CURSOR_CONFLICT"
  | "INVALID_KEY"
  | "INVALID_BOOKMARK"
  | "INVALID_RANGE"
  | "INVALID_CODE"
  | "INVALID_PASSWORD"
  | "SAME_AS_CURRENT";
