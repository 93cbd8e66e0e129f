import type { ErrorCode } from "../errors";

/**
 * One language's messages: a message for every error code (the type makes a
 * missing one a compile error), and for the common field-level detail codes.
 */
export interface Catalogue {
  errors: Record<ErrorCode, string>;
  /** The `title` of an `application/problem+json` answer, by its HTTP status (RFC 9457: the status's short name, in the reader's language). */
  titles: Record<ProblemStatus | "other", string>;
  /** Field-level messages by detail code; `default` for a code the catalogue does not name. */
  details: Record<DetailCode, string>;
  /**
   * Translations of the specific English messages code raises, by their exact English text. A message without
   * one (and without a template) reads as its code's standard wording with the English after it in parentheses,
   * so no guidance is lost (i18n.ts, localizedMessage).
   */
  phrases?: Record<string, string>;
  /**
   * Translations of messages that carry values (`Reference {reference} is already used in this space`), by their
   * English with a `{name}` where each value goes; the translation puts each value back where it names it. A value is
   * copied as it is (an id, a number, a reference, a currency), except `{message}` (and `{message2}`): another
   * message, translated in turn (the whole template has no translation when it has none). A value is never empty, and two values never
   * touch: each value ends where the fixed text after it first appears, read left to right.
   */
  templates?: Record<string, string>;
  /**
   * zod's generic English for a rule whose schema gives no message of its own (a required field, a value out of an
   * enum, a size limit, a pattern), as `templates` are written: a `{name}` where each value goes. A name the
   * translation leaves out is not shown (a required field's type). Read for a field's detail only (errors.ts).
   */
  zod?: Record<string, string>;
  /**
   * The emails the API writes itself (Life Beat's notices have their words in modules/lifebeat/messages.ts), by kind:
   * a subject and a text with `{name}` where each value goes, filled by i18n.ts `emailMessage`. Every language has
   * every kind (the type makes a missing one a compile error).
   */
  emails: Record<EmailKind, EmailTemplate>;
  /**
   * Words of a successful answer (a connection made, a sync job's outcome, why an account was not synced, the dashboard's
   * own category labels), by kind, with
   * `{name}` where each value goes (i18n.ts `responseText`); a count's sentence has a kind for one and one for more.
   */
  responses: Record<ResponseKind, string>;
}

/** The kinds of text in `Catalogue.responses`. */
export type ResponseKind =
  | "connected"
  | "syncedOne"
  | "synced"
  | "syncFailed"
  | "syncFailedAfterOne"
  | "syncFailedAfter"
  | "syncLeftOutOne"
  | "syncLeftOut"
  | "skippedManual"
  | "skippedNoConnection"
  | "skippedDisconnected"
  | "uncategorized"
  | "unknownCategory"
  | "restOfCategories"
  | "projectionRetirementEventSets"
  | "projectionRetiredFromStart"
  | "projectionRetirementPastHorizon"
  | "projectionRetirementSpendingUnused"
  | "projectionContributionNoSpending"
  | "projectionNoLedgerFlow"
  | "projectionNetWorthIncomplete"
  | "projectionCurrencies"
  | "forecastOverdrawn"
  | "forecastNegative"
  | "forecastIrregularIncome"
  | "forecastSeasonalVariation"
  | "forecastSeasonalSpike"
  | "forecastMethodLastYear"
  | "forecastMethodNoLastYear"
  | "forecastFutureRates"
  | "forecastOneOffs"
  | "forecastOneOff"
  | "conversionFallback"
  | "conversionMissing"
  | "conversionMissingMore"
  | "conversionContextTotal"
  | "conversionContextNetWorthOn"
  | "conversionContextIncome"
  | "conversionContextExpenses"
  | "conversionContextPastExpenses"
  | "conversionContextForecast"
  | "conversionContextAnnualIncome"
  | "conversionContextAnnualExpenses"
  | "conversionContextBudget"
  | "rateNone"
  | "rateEarlierDay"
  | "pricesUnavailable"
  | "priceStale"
  | "priceMissing"
  | "pricesFailed"
  | "changeUnpriced"
  | "changeUnpricedOn"
  | "changeUnpricedOnBoth"
  | "changeNewWallets"
  | "changeNewValues";

/** The statuses the API answers errors with, each with a problem title. */
export const PROBLEM_STATUSES = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** The kinds of email in `Catalogue.emails`. */
export type EmailKind = "webhookDisabled" | "webhookGone";

export interface EmailTemplate {
  subject: string;
  text: string;
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
