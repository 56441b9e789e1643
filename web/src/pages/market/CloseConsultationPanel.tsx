import { useTranslation } from 'react-i18next';

import { api, call } from '../../api/client';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useSubmission } from '../../forms/errors';

/**
 * Closes the consultation before its deadline (lead buyer), after a confirmation step: the
 * market summary is stored and the statement text drafted for approval.
 */
export function CloseConsultationPanel({
  statementId,
  responses,
  unanswered,
  onDone,
}: {
  statementId: string;
  responses: number;
  unanswered: number;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const close = () =>
    submission.submit(
      () => [],
      async () => {
        await call(api.POST('/api/statements/{statementId}/close-stage', { params: { path: { statementId } } }));
        await onDone(t('market.close.done'));
      },
    );
  return (
    <section className="action-panel" aria-labelledby="close-market-heading">
      <h3 id="close-market-heading">{t('market.close.title')}</h3>
      <p>{t('market.close.intro')}</p>
      <ErrorSummary problem={submission.problem} summaryRef={submission.summaryRef} />
      <Disclosure label={t('market.close.open')} variant="danger">
        {(cancel) => (
          <div className="confirm-step">
            <p>{t('market.close.consequence', { count: responses })}</p>
            {unanswered > 0 ? <p>{t('market.close.unanswered', { count: unanswered })}</p> : null}
            <div className="button-row">
              <button
                type="button"
                className="button button--danger"
                aria-disabled={submission.submitting || undefined}
                onClick={() => void close()}
              >
                {t('market.close.confirm')}
              </button>
              <button type="button" className="button button--link" onClick={cancel}>
                {t('market.close.keepOpen')}
              </button>
            </div>
          </div>
        )}
      </Disclosure>
    </section>
  );
}
