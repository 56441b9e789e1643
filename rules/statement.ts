/**
 * Bounds of a statement's details, shared: the server's schema (domain/statement.ts) enforces
 * them, the web's statement form (web/src/forms/statement-form.ts) checks them first.
 */
export const minTitleLength = 3;
/** The years the demand may be delivered in. */
export const deliveryYearRange = { min: 2020, max: 2100 } as const;
/** The critical-mass rules the lead may set: at most this many buyers or countries. */
export const criticalMassLimits = { maxMinBuyers: 100_000, maxMinCountries: 30 } as const;
