import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Statement } from '../../../api/client';
import { Disclosure } from '../../../components/Disclosure';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextAreaField } from '../../../components/Field';
import { type FieldError, useSubmission } from '../../../forms/errors';
import { REASON_MAX, reasonError } from '../../../forms/text-rules';
import type { ActionDone } from './types';

/** The lead buyer (or an administrator) cancels the statement, giving a reason everyone will see. */
export function CancelPanel({ statement, onDone }: { statement: Statement; onDone: ActionDone }) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [reason, setReason] = useState('');

  const validate = (): FieldError[] => {
    const message = reasonError(reason, t, { required: true });
    return message ? [{ path: 'reason', message }] : [];
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => {
      const updated = await call(
        api.POST('/api/statements/{statementId}/cancel', {
          params: { path: { statementId: statement.id } },
          body: { reason: reason.trim() },
        }),
      );
      onDone(updated, (tr) => tr('actions.cancel.done'));
    });
  };

  return (
    <section className="action-panel" aria-labelledby="cancel-heading">
      <h3 id="cancel-heading">{t('actions.cancel.title')}</h3>
      <p>{t('actions.cancel.intro')}</p>
      <Disclosure label={t('actions.cancel.open')} variant="danger">
        {(close) => (
          <form noValidate onSubmit={onSubmit} className="form form--compact">
            <ErrorSummary
              problem={submission.problem}
              fieldErrors={submission.fieldErrors}
              summaryRef={submission.summaryRef}
              scope="cancel"
              labelFor={(path) => (path === 'reason' ? t('actions.cancel.reason') : undefined)}
            />
            <TextAreaField
              path="reason"
              scope="cancel"
              label={t('actions.cancel.reason')}
              hint={t('actions.cancel.reasonHint')}
              rows={3}
              value={reason}
              maxLength={REASON_MAX}
              onChange={(e) => setReason(e.target.value)}
              error={submission.errorFor('reason')}
            />
            <div className="button-row">
              <button
                type="submit"
                className="button button--danger"
                aria-disabled={submission.submitting || undefined}
              >
                {t('actions.cancel.confirm')}
              </button>
              <button type="button" className="button button--link" onClick={close}>
                {t('actions.cancel.keep')}
              </button>
            </div>
          </form>
        )}
      </Disclosure>
    </section>
  );
}
