/**
 * Bounds of a statement's details, shared: the server's schema (domain/statement.ts) enforces
 * them, the web's statement form (web/src/forms/statement-form.ts) checks them first.
 */
export const minTitleLength = 3;
/** The years the demand may be delivered in. */
export const deliveryYearRange = { min: 2020, max: 2100 } as const;
/**
 * A joint statement is a joint procurement in the making, and a joint procurement is one that
 * "two or more contracting authorities" agree to perform (Directive 2014/24/EU Art. 38(1); Art. 39
 * across borders): the lead buyer and at least one other. Both the critical-mass rule on buyers
 * (at creation) and the opening of the needs assessment (who has joined) hold to this number.
 */
export const minJointBuyers = 2;
/** The critical-mass rules the lead may set: at most this many buyers or countries. */
export const criticalMassLimits = { maxMinBuyers: 100_000, maxMinCountries: 30 } as const;
