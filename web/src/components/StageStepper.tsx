import { useTranslation } from 'react-i18next';

import type { Stage } from '../api/client';
import { useFormat } from '../i18n/format';
import { mainPath, shortfallAfter } from '../process/stages';

type StepState = 'done' | 'current' | 'upcoming' | 'warning' | 'ended';

interface Step {
  stage: Stage;
  state: StepState;
}

/**
 * The statement's progress: draft → needs assessment → confirmation → aggregation → market
 * engagement → approval → published, with the shortfall branch and the exits (cancelled,
 * abandoned). `reachedStage` says how far a statement that ended had come, when it is known.
 */
export function stepsFor(stage: Stage, reachedStage?: Stage): Step[] {
  if (stage === 'cancelled' || stage === 'abandoned') {
    // Where it stopped, when known; otherwise the exit is shown after the whole path.
    const reached = reachedStage ? mainPath.indexOf(reachedStage as (typeof mainPath)[number]) : -1;
    const steps: Step[] = mainPath.map((s, i) => ({ stage: s, state: i <= reached ? 'done' : 'upcoming' }));
    const at = reached >= 0 ? reached + 1 : steps.length;
    return [...steps.slice(0, at), { stage, state: 'ended' }, ...steps.slice(at)];
  }
  if (stage === 'shortfall') {
    const at = mainPath.indexOf(shortfallAfter as (typeof mainPath)[number]);
    const steps: Step[] = mainPath.map((s, i) => ({ stage: s, state: i <= at ? 'done' : 'upcoming' }));
    return [...steps.slice(0, at + 1), { stage: 'shortfall', state: 'warning' }, ...steps.slice(at + 1)];
  }
  const current = mainPath.indexOf(stage);
  return mainPath.map((s, i) => ({
    stage: s,
    state: i < current ? 'done' : i === current ? (s === 'published' ? 'done' : 'current') : 'upcoming',
  }));
}

export function StageStepper({ stage, reachedStage }: { stage: Stage; reachedStage?: Stage }) {
  const { t } = useTranslation();
  const format = useFormat();
  const steps = stepsFor(stage, reachedStage);
  let n = 0;
  return (
    <ol className="stepper" aria-label={t('stepper.label')}>
      {steps.map((step) => {
        const offPath = step.state === 'warning' || step.state === 'ended';
        if (!offPath) n += 1;
        const isCurrent = step.stage === stage;
        return (
          <li
            key={step.stage}
            className={`stepper__step stepper__step--${step.state}`}
            aria-current={isCurrent ? 'step' : undefined}
          >
            <span className="stepper__marker" aria-hidden="true">
              {step.state === 'done' ? '✓' : offPath ? '!' : format.number(n)}
            </span>
            <span className="stepper__label">{t(`stage.${step.stage}`)}</span>
            <span className="visually-hidden"> ({t(`stepper.state.${isCurrent ? 'current' : step.state}`)})</span>
          </li>
        );
      })}
    </ol>
  );
}

export function StageTag({ stage }: { stage: Stage }) {
  const { t } = useTranslation();
  const tone =
    stage === 'cancelled' || stage === 'abandoned'
      ? 'ended'
      : stage === 'shortfall'
        ? 'warning'
        : stage === 'published'
          ? 'done'
          : 'active';
  return <span className={`tag tag--${tone}`}>{t(`stage.${stage}`)}</span>;
}

/** The stepper as a section of a statement's page, named for screen readers ("Progress"). */
export function StageProgress({ stage }: { stage: Stage }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="progress-heading" className="section">
      <h2 id="progress-heading" className="visually-hidden">
        {t('statement.progress')}
      </h2>
      <StageStepper stage={stage} />
    </section>
  );
}
