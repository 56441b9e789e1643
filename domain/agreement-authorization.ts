import type { AgreementPartyStatus } from './agreement-process.js';
import {
  canSee,
  type Decision,
  isCommission,
  isLead,
  mayActBindingly,
  type Principal,
  signatoryRole,
  type StatementFacts,
} from './authorization.js';

export { signatoryRole };

/**
 * Who may do what with a statement's joint procurement agreement. The agreement is the business
 * of its lead and of the statement's signatories: to anyone else it does not exist (404), even
 * though the published statement itself is public. Whoever follows it (Commission staff,
 * administrators, signatories that were invited, declined or withdrew) reads its status and the
 * list of parties (`view`); its versions, terms, quantities, comments, signatures and document
 * are for the parties only (`viewVersions`, `download`), and its audit log for the parties and
 * oversight (`viewAudit`).
 */
export const agreementActions = [
  'start',
  'view',
  'viewVersions',
  'viewAudit',
  'respond',
  'propose',
  'comment',
  'sign',
  'withdraw',
  'download',
  'manage',
] as const;
export type AgreementAction = (typeof agreementActions)[number];

export interface AgreementFacts {
  statement: StatementFacts;
  /** Whether an agreement was started for the statement. */
  exists: boolean;
  /** The principal organisation's status in the agreement, if it was ever invited. */
  partyStatus: AgreementPartyStatus | null;
}

const allow: Decision = { allowed: true };
const forbid = (reason: string): Decision => ({ allowed: false, code: 'forbidden', reason });
const notFound = (reason = 'agreement not found'): Decision => ({ allowed: false, code: 'not_found', reason });

export function decideAgreement(p: Principal, action: AgreementAction, f: AgreementFacts): Decision {
  if (!canSee(p, f.statement)) return notFound('statement not found');
  const lead = isLead(p, f.statement);
  if (action === 'start') return lead ? allow : forbid('only the lead buyer may start the agreement');
  if (!f.exists) return notFound();

  const involved = lead || (p.orgKind === 'buyer' && f.partyStatus !== null);
  const follows = involved || isCommission(p) || p.isAdmin;
  if (!follows) return notFound();
  const party = p.orgKind === 'buyer' && f.partyStatus === 'party';

  switch (action) {
    case 'view':
      return allow;
    case 'viewVersions':
      return lead || party
        ? allow
        : forbid('the versions of the agreement, its terms and comments are for its parties only');
    case 'viewAudit':
      return lead || party || isCommission(p) || p.isAdmin
        ? allow
        : forbid('the audit log of the agreement is for its parties, Commission staff and administrators');
    case 'respond':
      // Joining (or declining) decides the organisation's part in the agreement: a binding act.
      return p.orgKind === 'buyer' && f.partyStatus !== null && !lead
        ? mayActBindingly(p.roles, 'joinAgreement')
        : forbid('only a signatory of the statement answers the invitation to the agreement');
    case 'propose':
    case 'manage':
      return lead ? allow : forbid('only the lead buyer may do this');
    case 'comment':
      return party ? allow : forbid('only a party comments on the agreement');
    case 'sign':
      return party ? mayActBindingly(p.roles, 'signAgreement') : forbid('only a party signs the agreement');
    case 'withdraw':
      return party && !lead
        ? mayActBindingly(p.roles, 'withdrawFromAgreement')
        : forbid('only a party other than the lead buyer may withdraw');
    case 'download':
      return party ? allow : forbid('the agreement document is for its parties only');
  }
}
