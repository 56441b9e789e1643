import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';

/** The market summary stored when the consultation closed: what the buyers approve the statement against. */
export function MarketSummary({ summary: stored }: { summary: Schemas['MarketSummary'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const s = stored.summary;
  return (
    <section aria-labelledby="summary-heading" className="section">
      <h2 id="summary-heading">{t('market.summary.title')}</h2>
      <p className="muted small">{t('market.summary.computed', { date: format.dateTime(stored.computedAt) })}</p>
      <dl className="key-facts" data-testid="market-summary">
        <div>
          <dt>{t('market.summary.responses')}</dt>
          <dd>{format.number(s.responses)}</dd>
        </div>
        <div>
          <dt>{t('market.summary.sme')}</dt>
          <dd>{t('market.summary.smeValue', { count: s.smeResponses, share: format.percent(Number(s.smeShare)) })}</dd>
        </div>
        <div>
          <dt>{t('market.summary.questions')}</dt>
          <dd>
            {t('market.summary.questionsValue', {
              asked: format.number(s.questionsAsked),
              answered: format.number(s.questionsAnswered),
            })}
          </dd>
        </div>
      </dl>
      {s.countries.length > 0 ? (
        <>
          <h3>{t('market.summary.countries')}</h3>
          <ul className="plain-list">
            {s.countries.map((c) => (
              <li key={c.country}>
                {t('market.summary.countryLine', { country: format.country(c.country), count: c.responses })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {s.answersPerQuestion.length > 0 ? (
        <>
          <h3>{t('market.summary.answersPerQuestion')}</h3>
          <ul className="plain-list">
            {s.answersPerQuestion.map((q) => (
              <li key={q.questionId}>{t('market.summary.answersLine', { question: q.text, count: q.answers })}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
