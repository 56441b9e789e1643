/**
 * A confirmed buyer's decision on the version to publish, shared: the server's request schema
 * (services/publication/publication-contracts.ts) accepts these, the web's approval form offers them.
 * Recorded, they read `approved` and `changes_requested`.
 */
export const approvalChoices = ['approve', 'request_changes'] as const;
export type ApprovalChoice = (typeof approvalChoices)[number];

/** The comment (required when asking for changes). */
export const maxApprovalCommentLength = 4000;
