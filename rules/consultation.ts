import type { Stage } from './stages.js';

/**
 * Lengths (characters) of the market consultation's texts, shared: the server's schemas
 * (domain/consultation.ts) bound them, the web's consultation forms check them first.
 */
export const consultationTextMax = {
  rfiQuestion: 1000,
  response: 5000,
  supplierQuestion: 2000,
  leadAnswer: 5000,
} as const;
/** A question (the lead's to suppliers, or a supplier's) has at least this many characters. */
export const minQuestionLength = 3;

/** Stages in which a statement's market consultation is public: while it runs, and afterwards as a record. */
export const consultationPublicIn: readonly Stage[] = ['market_engagement', 'approval', 'published'];
