import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { api, call, newIdempotencyKey } from '../api/client';
import { useMe } from '../auth/session';
import { PageHeading } from '../components/PageHeading';
import { StatusMessage } from '../components/StatusMessage';
import { useSubmission } from '../forms/errors';
import { emptyStatementForm, formToDetails, validateStatementForm } from '../forms/statement-form';
import { StatementForm } from './statement/StatementForm';

export default function CreateStatementPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const submission = useSubmission();
  // One key per form: a repeated submission (double click, retry after a lost answer) creates one statement.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [initial] = useState(() => emptyStatementForm());

  return (
    <>
      <PageHeading>{t('createStatement.title')}</PageHeading>
      <p className="lead">{t('createStatement.intro', { organisation: me.organisation.name })}</p>
      {me.organisation.kind !== 'buyer' ? (
        <StatusMessage tone="info">{t('createStatement.buyersOnly')}</StatusMessage>
      ) : (
        <StatementForm
          initial={initial}
          submission={submission}
          submitLabel={t('createStatement.submit')}
          cancelTo="/statements"
          onSubmit={async (values) => {
            await submission.submit(
              () => validateStatementForm(values, t),
              async () => {
                const statement = await call(
                  api.POST('/api/statements', {
                    body: formToDetails(values),
                    headers: { 'Idempotency-Key': idempotencyKey },
                  }),
                );
                await navigate(`/statements/${statement.id}`, { state: { flash: 'created' } });
              },
            );
          }}
        />
      )}
    </>
  );
}
