import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Statement } from '../../../api/client';
import { Disclosure } from '../../../components/Disclosure';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextAreaField } from '../../../components/Field';
import { type FieldError, useSubmission } from '../../../forms/errors';
import { REASON_MAX, reasonError } from '../../../forms/text-rules';
import { useFormat } from '../../../i18n/format';
import { getStatement } from '../../needs/load';
import { SurveyPreview } from './SurveyPreview';
import type { ActionDone } from './types';

/** An invited buyer accepts, or declines with an optional reason. */
export function InvitationAnswerPanel({ statement, onDone }: { statement: Statement; onDone: ActionDone }) {
  const { t } = useTranslation();
  const format = useFormat();
  const accept = useSubmission();
  const decline = useSubmission();
  const [reason, setReason] = useState('');
  const statementId = statement.id;

  const onAccept = () =>
    void accept.submit(
      () => [],
      async () => {
        await call(api.POST('/api/statements/{statementId}/invitation/accept', { params: { path: { statementId } } }));
        onDone(await getStatement(statementId), (tr) => tr('actions.answer.accepted'));
      },
    );

  const onDecline = (event: FormEvent) => {
    event.preventDefault();
    void decline.submit(
      (): FieldError[] => {
        const message = reasonError(reason, t, { required: false });
        return message ? [{ path: 'reason', message }] : [];
      },
      async () => {
        const trimmed = reason.trim();
        await call(
          api.POST('/api/statements/{statementId}/invitation/decline', {
            params: { path: { statementId } },
            body: trimmed ? { reason: trimmed } : {},
          }),
        );
        // The answer is the organisation's standing only; the page shows the statement as it now is.
        onDone(await getStatement(statementId), (tr) => tr('actions.answer.declined'));
      },
    );
  };

  return (
    <section className="action-panel action-panel--highlight" aria-labelledby="answer-heading">
      <h3 id="answer-heading">{t('actions.answer.title')}</h3>
      <p>{t('actions.answer.intro', { lead: statement.lead.name })}</p>
      <p>
        {statement.stageDeadline
          ? t('guidance.invitation.answerBy', { deadline: format.dateTime(statement.stageDeadline) })
          : t('guidance.invitation.answerBeforeOpening')}
      </p>
      <Disclosure label={t('guidance.preview.open')}>{() => <SurveyPreview statementId={statementId} />}</Disclosure>
      <ErrorSummary problem={accept.problem} summaryRef={accept.summaryRef} />
      <div className="button-row">
        <button
          type="button"
          className="button button--primary"
          onClick={onAccept}
          aria-disabled={accept.submitting || undefined}
        >
          {t('actions.answer.accept')}
        </button>
        <Disclosure label={t('actions.answer.decline')}>
          {(close) => (
            <form noValidate onSubmit={onDecline} className="form form--compact">
              <ErrorSummary
                problem={decline.problem}
                fieldErrors={decline.fieldErrors}
                summaryRef={decline.summaryRef}
                scope="decline"
                labelFor={(path) => (path === 'reason' ? t('actions.answer.reason') : undefined)}
              />
              <TextAreaField
                path="reason"
                scope="decline"
                label={t('actions.answer.reason')}
                hint={t('actions.answer.reasonHint')}
                optional
                rows={3}
                value={reason}
                maxLength={REASON_MAX}
                onChange={(e) => setReason(e.target.value)}
                error={decline.errorFor('reason')}
              />
              <div className="button-row">
                <button type="submit" className="button button--danger" aria-disabled={decline.submitting || undefined}>
                  {t('actions.answer.confirmDecline')}
                </button>
                <button type="button" className="button button--link" onClick={close}>
                  {t('common.cancel')}
                </button>
              </div>
            </form>
          )}
        </Disclosure>
      </div>
    </section>
  );
}
