import { confirmedNeedsOf, findAgreement, listAgreementParties, upsertAgreementDraft } from '../../db/agreements.js';
import { findStatement } from '../../db/statements.js';
import {
  agreementKind,
  type AgreementTerms,
  defaultDistribution,
  validateAgreementTerms,
} from '../../domain/agreement.js';
import { minimumParties } from '../../domain/agreement-process.js';
import type { Principal } from '../../domain/authorization.js';
import { DomainError, unprocessable } from '../../domain/errors.js';
import type { AgreementVersionContent } from '../../platform/agreement-document.js';
import { contentHash } from '../../platform/canonical-json.js';
import { proposeAgreementVersionUpdate } from '../../workflows/agreement/messages.js';
import type { RequestMeta, ServiceContext } from '../context.js';
import { actorOf } from '../statements/authorize-statement.js';
import type { AgreementProposal, AgreementView } from './agreement-contracts.js';
import { updateAgreementProcess } from './agreement-process.js';
import { authorizeAgreement } from './authorize-agreement.js';
import { loadAgreementView } from './get-agreement.js';

/** Checks the terms against the parties and their confirmed needs, then has the workflow make them the next version. */
export async function proposeAgreementVersion(
  ctx: ServiceContext,
  principal: Principal,
  statementId: string,
  proposal: AgreementProposal,
  meta: RequestMeta,
): Promise<AgreementView> {
  const facts = await authorizeAgreement(ctx, principal, statementId, 'propose', meta);
  const [agreement, statement, rows] = await Promise.all([
    findAgreement(ctx.db, statementId),
    findStatement(ctx.db, statementId),
    listAgreementParties(ctx.db, statementId),
  ]);
  if (agreement!.status !== 'negotiation')
    throw new DomainError(
      'wrong_stage',
      `The agreement is ${agreement!.status.replace('_', ' ')}; it can no longer change`,
    );
  const parties = rows
    .filter((p) => p.status === 'party')
    .map((p) => ({ orgId: p.organisation_id, name: p.name, country: p.country.trim() }));
  if (parties.length < minimumParties) {
    throw unprocessable(
      [
        {
          field: 'parties',
          rule: `at least ${minimumParties} contracting authorities must have joined the agreement; ${parties.length} has`,
        },
      ],
      'A joint procurement needs at least two parties',
    );
  }
  const confirmedNeeds = await confirmedNeedsOf(
    ctx.db,
    statementId,
    parties.map((p) => p.orgId),
  );
  const { note, distributions, ...rest } = proposal;
  const terms: AgreementTerms = {
    ...rest,
    distributions: distributions ?? defaultDistribution(parties, confirmedNeeds, rest.lots[0]!.id),
  };
  const problems = validateAgreementTerms(terms, { parties, confirmedNeeds });
  if (problems.length > 0) throw unprocessable(problems, 'The terms break a rule of the agreement');

  const content: AgreementVersionContent = {
    statementId,
    statementTitle: statement!.title,
    kind: agreementKind(parties),
    parties,
    terms,
    note: note || null,
  };
  const hash = contentHash(content);
  await upsertAgreementDraft(ctx.db, {
    statementId,
    content,
    contentHash: hash,
    userId: principal.userId,
    at: new Date(),
  });
  await updateAgreementProcess(
    ctx,
    statementId,
    proposeAgreementVersionUpdate,
    { actor: actorOf(principal, facts.statement), contentHash: hash, partyOrgIds: parties.map((p) => p.orgId) },
    meta.idempotencyKey,
  );
  return loadAgreementView(ctx, statementId, principal);
}
