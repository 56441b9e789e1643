import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useSubmission } from '../../forms/errors';

/** A participating buyer decides whether the public consultation page names it; unnamed buyers are only counted. */
export function NameConsentPanel({
  statementId,
  consent,
  onDone,
}: {
  statementId: string;
  consent: Schemas['NameConsent'];
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [agree, setAgree] = useState(consent.named === true);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(
      () => [],
      async () => {
        const saved = await call(
          api.PUT('/api/statements/{statementId}/consultation/name-consent', {
            params: { path: { statementId } },
            body: { agree },
          }),
        );
        await onDone(saved.named ? t('market.consent.savedNamed') : t('market.consent.savedUnnamed'));
      },
    );
  };

  return (
    <section aria-labelledby="consent-heading" className="section action-panel">
      <h2 id="consent-heading">{t('market.consent.title')}</h2>
      <p>{t('market.consent.intro')}</p>
      <p className="muted">
        {consent.named === null
          ? t('market.consent.undecided')
          : consent.named
            ? t('market.consent.named')
            : t('market.consent.unnamed')}
      </p>
      <form noValidate onSubmit={onSubmit} className="form form--compact">
        <ErrorSummary problem={submission.problem} summaryRef={submission.summaryRef} />
        <div className="choice">
          <input type="checkbox" id="f-consent-agree" checked={agree} onChange={(e) => setAgree(e.target.checked)} />
          <label htmlFor="f-consent-agree">{t('market.consent.agree')}</label>
        </div>
        <button type="submit" className="button button--secondary" aria-disabled={submission.submitting || undefined}>
          {submission.submitting ? t('common.saving') : t('market.consent.save')}
        </button>
      </form>
    </section>
  );
}
