/**
 * The lead's decision on a shortfall (too little demand) and the limits of its texts, shared:
 * the server's request schema (services/aggregation/aggregation-contracts.ts) enforces them, the
 * web's shortfall panel offers and checks them.
 */
export const shortfallDecisions = ['extend', 'proceed', 'abandon'] as const;
export type ShortfallDecision = (typeof shortfallDecisions)[number];

/** Why the lead proceeds although the critical mass is not reached. */
export const maxShortfallJustificationLength = 4000;
/** Why the lead abandons the statement. */
export const maxAbandonReasonLength = 2000;
