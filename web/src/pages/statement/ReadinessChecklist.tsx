import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { Statement } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { formatCpv } from './cpv';

type Readiness = NonNullable<Statement['readiness']>;
type Item = Readiness['items'][number];

/**
 * The lead's checklist before the stage's irreversible step (opening the needs assessment,
 * closing it, closing the confirmation), as the server computed it against the critical mass
 * (domain/guidance.ts readinessFor): each item ticked or not, in words (not only a mark), with
 * what to do about it.
 */
export function ReadinessChecklist({ readiness, statementId }: { readiness: Readiness; statementId: string }) {
  const { t } = useTranslation();
  const format = useFormat();

  const what = (i: Item): string => {
    switch (i.item) {
      case 'buyers':
        return t(`readiness.buyers.${readiness.before}`, { count: i.need, have: format.number(i.have) });
      case 'countries':
        return t(`readiness.countries.${readiness.before}`, { count: i.need, have: format.number(i.have) });
      case 'invitationsAnswered':
        return i.need === 0
          ? t('readiness.invitationsAnswered.none')
          : t('readiness.invitationsAnswered.text', { count: i.need, have: format.number(i.have) });
      case 'submitted':
        return t('readiness.submitted.text', { count: i.need, have: format.number(i.have) });
      case 'confirmed':
        return t('readiness.confirmed.text', { count: i.need, have: format.number(i.have) });
      case 'survey':
        return i.state === 'done' ? t('readiness.survey.done', { count: i.have }) : t('readiness.survey.todo');
      case 'schedule':
        return i.state === 'done' ? t('readiness.schedule.done') : t('readiness.schedule.todo', { count: i.have });
      case 'totalValue':
        return t('readiness.totalValue', { amount: format.amount(i.minTotalValueEur, 'EUR') });
      case 'quantity':
        return t('readiness.quantity', {
          quantity: format.number(i.minQuantity),
          unit: i.unit,
          cpv: formatCpv(i.cpvCode),
        });
    }
  };

  const todo = (i: Item): string | null => {
    if (i.state !== 'todo') return null;
    switch (i.item) {
      case 'buyers':
      case 'countries':
        return t(`readiness.todo.${i.item}.${readiness.before}`);
      case 'submitted':
      case 'confirmed':
      case 'survey':
      case 'schedule':
        return t(`readiness.todo.${i.item}`);
      case 'invitationsAnswered':
        return i.need === 0 ? t('readiness.todo.invite') : t('readiness.todo.invitationsAnswered');
      default:
        return null;
    }
  };

  return (
    <section className="readiness" aria-labelledby="readiness-heading" data-testid="readiness">
      <h3 id="readiness-heading">{t(`readiness.title.${readiness.before}`)}</h3>
      <p>{readiness.ready ? t('readiness.ready') : t('readiness.notReady')}</p>
      <ul className="readiness__list">
        {readiness.items.map((i, n) => {
          const next = todo(i);
          return (
            <li key={n} className={`readiness__item readiness__item--${i.state}`}>
              <span className="readiness__mark" aria-hidden="true">
                {i.state === 'done' ? '✓' : i.state === 'todo' ? '✗' : '…'}
              </span>
              <span>
                <span className="readiness__state">{t(`readiness.state.${i.state}`)}</span> {what(i)}
                {next ? (
                  <span className="readiness__todo">
                    {' '}
                    {next}
                    {i.item === 'survey' ? (
                      <>
                        {' '}
                        <Link to={`/statements/${statementId}/survey`}>{t('readiness.todo.surveyLink')}</Link>
                      </>
                    ) : null}
                  </span>
                ) : null}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
