import './pilot-timeline.css';

import { useTranslation } from 'react-i18next';

import type { Schemas, Stage } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { isTerminal, mainPath } from '../../process/stages';
import { StuckFlag } from './StuckPilot';

type Detail = Schemas['PilotDetail'];
type Visit = Detail['timeline'][number];

interface Step {
  stage: Stage;
  state: 'done' | 'current' | 'upcoming';
  visit: Visit | null;
}

/**
 * The stages a pilot went through, the one it is in and those still to come on the main path.
 * The track is an ordered list in reading order: each stage says in words whether it is done,
 * current or to come, when it started and ended, its planned end, and whether it ran late (the
 * marker's shape and colour only repeat it). On a wide screen the stages run left to right; on a
 * phone they stack.
 */
export function PilotTimeline({ detail }: { detail: Detail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { pilot, timeline } = detail;
  const last = timeline.at(-1);
  const steps: Step[] = timeline.map((visit, i) => ({
    stage: visit.stage,
    // An ended or published pilot has no current stage to wait in.
    state: i === timeline.length - 1 && !isTerminal(visit.stage) && visit.stage !== 'published' ? 'current' : 'done',
    visit,
  }));
  // What is left of the main path after the stage the pilot is in (after aggregation for a shortfall).
  if (last && !isTerminal(last.stage)) {
    const from = mainPath.indexOf(last.stage === 'shortfall' ? 'aggregation' : last.stage);
    for (const stage of mainPath.slice(from + 1)) steps.push({ stage, state: 'upcoming', visit: null });
  }
  return (
    <ol className="pilot-track" data-testid="pilot-timeline" aria-label={t('dashboard.timeline.label')}>
      {steps.map((step, i) => {
        const v = step.visit;
        const late = v?.late ?? false;
        return (
          <li
            key={`${step.stage}-${i}`}
            className={`pilot-track__step pilot-track__step--${step.state}${late ? ' pilot-track__step--late' : ''}`}
            aria-current={step.state === 'current' ? 'step' : undefined}
          >
            <span className="pilot-track__marker" aria-hidden="true">
              {step.state === 'done' ? '✓' : step.state === 'current' ? '●' : ''}
            </span>
            <span className="pilot-track__body">
              <strong className="pilot-track__stage">{t(`stage.${step.stage}`)}</strong>
              <span className="pilot-track__state">{t(`dashboard.timeline.${step.state}`)}</span>
              {v ? (
                <span className="pilot-track__dates">
                  {v.exitedAt
                    ? t('dashboard.pilot.span', {
                        from: format.date(v.enteredAt),
                        to: format.date(v.exitedAt),
                        count: v.days,
                      })
                    : t('dashboard.pilot.since', { from: format.date(v.enteredAt), count: v.days })}
                  {v.deadline ? (
                    <>
                      <br />
                      {t('dashboard.timeline.planned', { date: format.date(v.deadline) })}
                    </>
                  ) : null}
                </span>
              ) : null}
              {late ? (
                <span className="tag tag--warning pilot-track__late">
                  {t(v?.exitedAt ? 'dashboard.timeline.late' : 'dashboard.timeline.lateNow')}
                </span>
              ) : null}
              {step.state === 'current' && pilot.stuck ? <StuckFlag stuck={pilot.stuck} /> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
