import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, call } from '../../api/client';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { getStatement, useLoad } from '../needs/load';
import { AuditLogSection, type AuditPageRequest } from './AuditLog';

/** A statement's audit trail for the lead, Commission staff and administrators: verified pages and the downloads with proof. */
export default function AuditStatementPage() {
  const { t } = useTranslation();
  const { statementId = '' } = useParams();
  const loadStatement = useCallback(() => getStatement(statementId), [statementId]);
  const { data: statement, problem } = useLoad(loadStatement);
  const load = useCallback(
    (query: AuditPageRequest) =>
      call(api.GET('/api/statements/{statementId}/audit', { params: { path: { statementId }, query } })),
    [statementId],
  );
  return (
    <>
      <StatementSubpageHeading
        title={t('audit.title')}
        statement={statement}
        problem={problem}
        loading={!statement && !problem}
      />
      <AuditLogSection
        load={load}
        downloads={{
          jsonl: `/api/statements/${statementId}/audit.jsonl`,
          csv: `/api/statements/${statementId}/audit.csv`,
        }}
      />
      <p>
        <Link to={`/statements/${statementId}`}>{t('common.backToStatement')}</Link>
      </p>
    </>
  );
}
