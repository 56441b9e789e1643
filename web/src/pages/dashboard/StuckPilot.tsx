import './pilot-timeline.css';

import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';

type Stuck = NonNullable<Schemas['Pilot']['stuck']>;

/**
 * "Stuck: exchange rate missing", "Stuck: process failure — moving on from Needs assessment": why
 * the process cannot go on by itself, in words, not only in colour; a process failure names its step.
 */
export function StuckFlag({ stuck }: { stuck: Stuck }) {
  const { t } = useTranslation();
  const format = useFormat();
  const step = stuck.failedStep;
  const reason = (r: Stuck['reasons'][number]) =>
    r === 'process_failure' && step
      ? t('dashboard.stuck.withStep', {
          reason: t(`dashboard.stuck.reason.${r}`),
          step: t(`dashboard.stuck.failedStep.${step.kind}`, { stage: step.stage ? t(`stage.${step.stage}`) : '' }),
        })
      : t(`dashboard.stuck.reason.${r}`);
  return (
    <span className="tag tag--stuck" data-testid="stuck-flag">
      {t('dashboard.stuck.flag', { reasons: format.list(stuck.reasons.map(reason)) })}
    </span>
  );
}

/** On a pilot's page: why it is stuck, since when, and who is expected to act. */
export function StuckNotice({ stuck }: { stuck: Stuck }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section className="stuck-notice" aria-labelledby="stuck-heading" data-testid="stuck-notice">
      <h2 id="stuck-heading" className="stuck-notice__title">
        {t('dashboard.stuck.title')}
      </h2>
      <p>
        <StuckFlag stuck={stuck} /> {t('dashboard.stuck.since', { date: format.dateTime(stuck.since) })}
      </p>
      <p>{t('dashboard.stuck.expected')}</p>
      <ul className="stuck-notice__actors">
        {stuck.actors.map((a) => (
          <li key={a}>{t(`dashboard.stuck.actor.${a}`)}</li>
        ))}
      </ul>
    </section>
  );
}
