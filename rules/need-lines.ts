/**
 * Limits of a buyer's need lines, shared: the server's schema (domain/need-lines.ts) enforces
 * them, the web's need-line form (web/src/needs/need-lines.ts) checks them before sending.
 */
export const maxNeedLines = 500;
export const maxDescriptionLength = 2000;
export const maxRequirementsLength = 10_000;
/** A framework agreement's term, in months: the longest the system records, justified or not. */
export const maxFrameworkMonths = 120;
/**
 * "The term of a framework agreement shall not exceed four years, save in exceptional cases duly
 * justified, in particular by the subject of the framework agreement" (Directive 2014/24/EU
 * Art. 33(1), second subparagraph). A longer term is recorded only with its justification.
 */
export const frameworkMonthsWithoutJustification = 48;
export const maxFrameworkJustificationLength = 2000;
export const maxRenewals = 99;

/** Decimal amounts (quantities, prices, survey numbers): at most 15 digits before the point and 6 after, optionally negative. */
export const decimalPattern = /^-?\d{1,15}(\.\d{1,6})?$/;
