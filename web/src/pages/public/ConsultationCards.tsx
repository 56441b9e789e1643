import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { CpvNames } from '../../reference/Words';

/** Open consultations as cards: title linking to the consultation, its deadline and CPV codes. */
export function ConsultationCards({
  consultations,
  headingLevel,
}: {
  consultations: Schemas['OpenConsultationSummary'][];
  headingLevel: 2 | 3;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul className="card-list">
      {consultations.map((c) => (
        <li key={c.statementId} className="card statement-card">
          <Heading className="card__title">
            <Link to={`/consultations/${c.statementId}`}>{c.title}</Link>
          </Heading>
          <dl className="facts facts--inline">
            <div>
              <dt>{t('public.consultations.deadline')}</dt>
              <dd>{c.deadline ? format.dateTime(c.deadline) : t('statement.noDeadline')}</dd>
            </div>
            <div>
              <dt>{t('statement.cpvCodes')}</dt>
              <dd>
                <CpvNames codes={c.cpvCodes} />
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
