import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Me } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { StatusMessage } from '../../components/StatusMessage';
import { useSubmission } from '../../forms/errors';
import { useFormat } from '../../i18n/format';
import { useLoad } from '../needs/load';

/**
 * A signed-in buyer reading a published statement: its organisation's part in it. A buyer
 * that did not take part may ask to sign it; the lead buyer decides, and an accepted request
 * publishes a new version naming it.
 */
export function AskToSignPanel({ statementId, me }: { statementId: string; me: Me }) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [asked, setAsked] = useState(false);
  const load = useCallback(
    () => call(api.GET('/api/statements/{statementId}/signatories', { params: { path: { statementId } } })),
    [statementId],
  );
  const { data, reload } = useLoad(load);
  if (!data) return null;
  const signed = data.signatories.find((s) => s.organisationId === me.organisation.id);
  const request = data.requests.find((r) => r.organisationId === me.organisation.id);
  const ask = () =>
    submission.submit(
      () => [],
      async () => {
        await call(api.POST('/api/statements/{statementId}/signatory-requests', { params: { path: { statementId } } }));
        await reload();
        setAsked(true);
      },
    );
  return (
    <section aria-labelledby="sign-heading" className="section action-panel">
      <h2 id="sign-heading">{t('public.sign.title')}</h2>
      <StatusMessage focus>{asked ? t('public.sign.asked') : null}</StatusMessage>
      {signed ? (
        <p>{t('public.sign.signatory', { version: format.number(signed.sinceVersion) })}</p>
      ) : request?.status === 'pending' ? (
        <p>{t('public.sign.pending', { date: format.dateTime(request.requestedAt) })}</p>
      ) : (
        <>
          <p>{request?.status === 'declined' ? t('public.sign.declined') : t('public.sign.intro')}</p>
          <ErrorSummary problem={submission.problem} summaryRef={submission.summaryRef} />
          <button
            type="button"
            className="button button--primary"
            aria-disabled={submission.submitting || undefined}
            onClick={() => void ask()}
          >
            {t('public.sign.submit')}
          </button>
        </>
      )}
    </section>
  );
}
