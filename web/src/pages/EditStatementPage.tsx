import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import { allows, api, type ApiProblem, asProblem, call, type Statement } from '../api/client';
import { ErrorSummary } from '../components/ErrorSummary';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { StatusMessage } from '../components/StatusMessage';
import { useSubmission } from '../forms/errors';
import { formToDetails, statementToForm, validateStatementForm } from '../forms/statement-form';
import { StatementForm } from './statement/StatementForm';

export default function EditStatementPage() {
  const { t } = useTranslation();
  const { statementId = '' } = useParams();
  const navigate = useNavigate();
  const submission = useSubmission();
  const [statement, setStatement] = useState<Statement | undefined>();
  const [loadProblem, setLoadProblem] = useState<ApiProblem | undefined>();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/statements/{statementId}', { params: { path: { statementId } } })).then(
      (s) => live && setStatement(s),
      (error: unknown) => live && setLoadProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, [statementId]);

  const editable = statement && allows(statement, 'edit');

  return (
    <>
      <PageHeading documentTitle={t('editStatement.title')}>
        {t('editStatement.title')}
        {statement ? <span className="page-heading__sub">{statement.title}</span> : null}
      </PageHeading>
      <ErrorSummary problem={loadProblem} />
      {!statement && !loadProblem ? <Loading /> : null}
      {statement && !editable ? (
        <>
          <StatusMessage tone="info">{t('editStatement.notEditable')}</StatusMessage>
          <p>
            <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
      {statement && editable ? (
        <StatementForm
          initial={statementToForm(statement)}
          submission={submission}
          submitLabel={t('editStatement.submit')}
          cancelTo={`/statements/${statement.id}`}
          onSubmit={async (values) => {
            await submission.submit(
              () => validateStatementForm(values, t),
              async () => {
                const updated = await call(
                  api.PATCH('/api/statements/{statementId}', {
                    params: { path: { statementId } },
                    body: { ...formToDetails(values), expectedVersion: statement.detailsVersion },
                  }),
                );
                await navigate(`/statements/${updated.id}`, { state: { flash: 'edited' } });
              },
            );
          }}
        />
      ) : null}
    </>
  );
}
