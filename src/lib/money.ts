/**
 * Currencies and assets with their minor-unit scale. Amounts are stored as
 * integers of the smallest unit; the scale says where the decimal point goes.
 */
export const CURRENCY_SCALES = {
  USD: 2, MXN: 2, EUR: 2, GBP: 2, CAD: 2, BRL: 2, COP: 2, ARS: 2, CLP: 0, PEN: 2, JPY: 0,
} as const;

export type Currency = keyof typeof CURRENCY_SCALES;
export const CURRENCIES = Object.keys(CURRENCY_SCALES) as [Currency, ...Currency[]];
