import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useSubmission } from '../../forms/errors';
import { useFormat } from '../../i18n/format';

/** After the approval deadline: the lead publishes without those who have not approved; they are not signatories. */
export function ProceedPanel({
  statementId,
  text,
  onDone,
}: {
  statementId: string;
  text: Schemas['StatementText'];
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const missing = text.approvers.filter((a) => a.decision !== 'approved').map((a) => a.name);
  const proceed = () =>
    submission.submit(
      () => [],
      async () => {
        await call(api.POST('/api/statements/{statementId}/approval/proceed', { params: { path: { statementId } } }));
        await onDone(t('approval.proceed.done'));
      },
    );
  return (
    <section className="action-panel action-panel--highlight" aria-labelledby="proceed-heading">
      <h3 id="proceed-heading">{t('approval.proceed.title')}</h3>
      <p>
        {missing.length > 0
          ? t('approval.proceed.intro', { count: missing.length, names: format.list(missing) })
          : t('approval.proceed.nobodyMissing')}
      </p>
      <ErrorSummary problem={submission.problem} summaryRef={submission.summaryRef} />
      <Disclosure label={t('approval.proceed.open')} variant="danger">
        {(cancel) => (
          <div className="confirm-step">
            <p>{t('approval.proceed.consequence')}</p>
            <div className="button-row">
              <button
                type="button"
                className="button button--danger"
                aria-disabled={submission.submitting || undefined}
                onClick={() => void proceed()}
              >
                {t('approval.proceed.confirm')}
              </button>
              <button type="button" className="button button--link" onClick={cancel}>
                {t('common.cancel')}
              </button>
            </div>
          </div>
        )}
      </Disclosure>
    </section>
  );
}
