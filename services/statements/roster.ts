import { namedOrgIds } from '../../db/consultation.js';
import { listSignatories } from '../../db/publication.js';
import { statementFactsFor } from '../../db/statements.js';
import {
  canReadNeedsOf,
  canReadReasonOf,
  canSeeParticipant,
  type Principal,
  type StatementFacts,
} from '../../domain/authorization.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../context.js';

export interface Roster {
  facts: StatementFacts;
  /** Whether the participant appears at all. */
  shows(orgId: string): boolean;
  /** Whether its free-text reason (declined, withdrew) is shown. */
  reasonOf(orgId: string): boolean;
  /** Whether its needs versions (ids, content hashes) are shown. */
  needsOf(orgId: string): boolean;
}

/**
 * How a statement's roster reads for `viewer` (the rules are domain/authorization.ts's): loads the
 * facts they need, the signatories and the buyers that agreed to be named once it is published.
 */
export async function rosterFor(ctx: ServiceContext, statementId: string, viewer: Principal): Promise<Roster> {
  const facts = await statementFactsFor(ctx.db, statementId, viewer.orgId);
  if (!facts) throw new DomainError('not_found', 'Statement not found');
  const [signatories, named] =
    facts.stage === 'published'
      ? await Promise.all([listSignatories(ctx.db, statementId), namedOrgIds(ctx.db, statementId)])
      : [[], new Set<string>()];
  const signed = new Set(signatories.map((s) => s.organisationId));
  return {
    facts,
    shows: (orgId) =>
      canSeeParticipant(viewer, facts, { orgId, signatory: signed.has(orgId), named: named.has(orgId) }),
    reasonOf: (orgId) => canReadReasonOf(viewer, facts, orgId),
    needsOf: (orgId) => canReadNeedsOf(viewer, facts, orgId).allowed,
  };
}
