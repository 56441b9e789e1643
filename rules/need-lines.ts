/**
 * Limits of a buyer's need lines, shared: the server's schema (domain/need-lines.ts) enforces
 * them, the web's need-line form (web/src/needs/need-lines.ts) checks them before sending.
 */
export const maxNeedLines = 500;
export const maxDescriptionLength = 2000;
export const maxRequirementsLength = 10_000;
/** A framework agreement's term, in months. */
export const maxFrameworkMonths = 120;
export const maxRenewals = 99;

/** Decimal amounts (quantities, prices, survey numbers): at most 15 digits before the point and 6 after, optionally negative. */
export const decimalPattern = /^-?\d{1,15}(\.\d{1,6})?$/;
