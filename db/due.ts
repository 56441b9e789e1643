import { sql } from 'kysely';

import type { AgreementPartyStatus, AgreementStatus } from '../domain/agreement-process.js';
import type { DueStatementFacts } from '../domain/due.js';
import type { ParticipantStatus, Stage } from '../rules/stages.js';
import type { DbOrTx } from './database.js';

/** Stages in which nothing is due from anyone any more (a published statement may still have its agreement). */
const endedStages: readonly Stage[] = ['cancelled', 'abandoned'];

/**
 * The statements an organisation leads or was invited to, not ended, each with the facts the due
 * rule (domain/due.ts) reads, seen from that organisation: its status, whether it decided on the
 * current statement text, and the agreement with its party status and whether it signed the
 * current version. Bounded by `limit`, the soonest deadline first.
 */
export async function dueStatementFacts(db: DbOrTx, orgId: string, limit: number): Promise<DueStatementFacts[]> {
  const rows = await sql<{
    id: string;
    title: string;
    lead_org_id: string;
    stage: Stage;
    stage_deadline: Date | null;
    route: 'joint' | 'central_purchasing_body';
    participant_status: ParticipantStatus | null;
    decided: boolean;
    agreement_status: AgreementStatus | null;
    signature_deadline: Date | null;
    party_status: AgreementPartyStatus | null;
    version_to_sign: boolean;
    signed: boolean;
  }>`
    select s.id, s.title, s.lead_org_id, s.stage, s.stage_deadline,
           coalesce(s.procurement_route ->> 'kind', 'joint') as route,
           p.status as participant_status,
           exists (
             select 1 from statement_approvals sa
             where sa.statement_id = s.id and sa.organisation_id = ${orgId}
               and sa.text_version = (select max(version) from statement_texts t where t.statement_id = s.id)
           ) as decided,
           a.status as agreement_status, a.signature_deadline,
           ap.status as party_status,
           a.current_version_id is not null as version_to_sign,
           exists (
             select 1 from agreement_signatures sig
             where sig.version_id = a.current_version_id and sig.organisation_id = ${orgId} and sig.cleared_at is null
           ) as signed
    from statements s
    left join participants p on p.statement_id = s.id and p.organisation_id = ${orgId}
    left join agreements a on a.statement_id = s.id
    left join agreement_parties ap on ap.statement_id = s.id and ap.organisation_id = ${orgId}
    where (s.lead_org_id = ${orgId} or p.organisation_id is not null)
      and s.stage <> all(${sql.val(endedStages)}::text[])
    order by s.stage_deadline asc nulls last, s.id
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    statementId: r.id,
    title: r.title,
    leadOrgId: r.lead_org_id,
    stage: r.stage,
    participantStatus: r.participant_status,
    deadline: r.stage_deadline?.getTime() ?? null,
    procurementRoute: r.route,
    decidedOnCurrentText: r.decided,
    agreement: r.agreement_status
      ? {
          status: r.agreement_status,
          signatureDeadline: r.signature_deadline?.getTime() ?? null,
          partyStatus: r.party_status,
          versionToSign: r.version_to_sign,
          signedCurrentVersion: r.signed,
        }
      : null,
  }));
}

/** Of `statementIds`, those whose consultation the supplier organisation has answered. */
export async function answeredConsultations(
  db: DbOrTx,
  supplierOrgId: string,
  statementIds: readonly string[],
): Promise<Set<string>> {
  if (statementIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('consultation_responses')
    .select('statement_id')
    .where('supplier_org_id', '=', supplierOrgId)
    .where('statement_id', 'in', statementIds)
    .execute();
  return new Set(rows.map((r) => r.statement_id));
}

/** The status of each of `orgIds` in the statement (an organisation not invited is absent). */
export async function participantStatusesOf(
  db: DbOrTx,
  statementId: string,
  orgIds: readonly string[],
): Promise<Map<string, ParticipantStatus>> {
  if (orgIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('participants')
    .select(['organisation_id', 'status'])
    .where('statement_id', '=', statementId)
    .where('organisation_id', 'in', orgIds)
    .execute();
  return new Map(rows.map((r) => [r.organisation_id, r.status as ParticipantStatus]));
}
