import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useSubmission } from '../../forms/errors';

/**
 * A participating buyer (not the lead) decides whether its own figures may be shown in this
 * statement: to the other participants and Commission staff at once, and to the public in what
 * is published. Both ways are confirmed after the consequence is spelt out; the server records
 * the decision in the audit log and withholds figures again as soon as consent is withdrawn.
 */
export function FigureConsentPanel({
  statementId,
  consent,
  onDone,
}: {
  statementId: string;
  consent: Schemas['FigureConsent'];
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const agreed = consent.showFigures === true;

  const save = (agree: boolean) =>
    submission.submit(
      () => [],
      async () => {
        const saved = await call(
          api.PUT('/api/statements/{statementId}/figure-consent', {
            params: { path: { statementId } },
            body: { agree },
          }),
        );
        await onDone(
          saved.showFigures ? t('aggregate.figureConsent.savedShown') : t('aggregate.figureConsent.savedProtected'),
        );
      },
    );

  return (
    <section aria-labelledby="figure-consent-heading" className="section action-panel" data-testid="figure-consent">
      <h2 id="figure-consent-heading">{t('aggregate.figureConsent.title')}</h2>
      <p>{t('aggregate.figureConsent.intro')}</p>
      <p className="muted" data-testid="figure-consent-state">
        {consent.showFigures === null
          ? t('aggregate.figureConsent.undecided')
          : agreed
            ? t('aggregate.figureConsent.shown')
            : t('aggregate.figureConsent.protected')}
      </p>
      <ErrorSummary problem={submission.problem} summaryRef={submission.summaryRef} />
      {/* A new decision closes the confirmation: the panel then offers the other way. */}
      <Disclosure
        key={String(agreed)}
        label={agreed ? t('aggregate.figureConsent.withdrawOpen') : t('aggregate.figureConsent.agreeOpen')}
      >
        {(cancel) => (
          <div className="confirm-step">
            <p>
              {agreed
                ? t('aggregate.figureConsent.withdrawConsequence')
                : t('aggregate.figureConsent.agreeConsequence')}
            </p>
            <div className="button-row">
              <button
                type="button"
                className="button button--primary"
                aria-disabled={submission.submitting || undefined}
                onClick={() => void save(!agreed)}
              >
                {submission.submitting
                  ? t('common.saving')
                  : agreed
                    ? t('aggregate.figureConsent.withdrawConfirm')
                    : t('aggregate.figureConsent.agreeConfirm')}
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
