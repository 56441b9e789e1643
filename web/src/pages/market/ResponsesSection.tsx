import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';

/** Every supplier's response to the request for information (lead buyer and Commission staff). */
export function ResponsesSection({
  responses,
  rfi,
}: {
  responses: Schemas['ConsultationResponse'][];
  rfi: Schemas['RequestForInformationView'];
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const textOf = (id: string) => rfi.questions.find((q) => q.id === id)?.text ?? id;
  return (
    <section aria-labelledby="responses-heading" className="section">
      <h2 id="responses-heading">{t('market.responses.title')}</h2>
      {responses.length === 0 ? <p className="muted">{t('market.responses.none')}</p> : null}
      <ul className="card-list">
        {responses.map((r) => (
          <li
            key={r.supplier.organisationId}
            className="card"
            aria-labelledby={`response-${r.supplier.organisationId}`}
          >
            <h3 id={`response-${r.supplier.organisationId}`}>{r.supplier.name}</h3>
            <p className="muted small">
              {format.country(r.supplier.country)}
              {r.supplier.sme ? ` · ${t('market.responses.sme')}` : ''} ·{' '}
              {t('market.responses.updated', { date: format.dateTime(r.updatedAt), revision: r.revision })}
            </p>
            {Object.keys(r.answers).length === 0 ? (
              <p className="muted">{t('market.responses.noAnswers')}</p>
            ) : (
              <dl className="facts">
                {Object.entries(r.answers).map(([id, answer]) => (
                  <div key={id}>
                    <dt>{textOf(id)}</dt>
                    <dd className="prose">{answer}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
