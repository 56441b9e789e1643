import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas, type Stage } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useFormat } from '../../i18n/format';

export type ProcessFailure = NonNullable<Schemas['LiveState']['processFailure']>;

/**
 * The page that holds the lead's existing control for closing the stage or extending its
 * deadline (the needs overview, the market consultation, the approval), with the control's
 * heading as the fragment; none when the stage has no such page.
 */
function stageControlPage(
  statementId: string,
  stage: Stage,
  action: 'closeStage' | 'extendDeadline',
): string | undefined {
  const page: Partial<Record<Stage, string>> = {
    needs_assessment: 'needs-overview',
    confirmation: 'needs-overview',
    market_engagement: 'market',
    approval: 'approval',
  };
  const at = page[stage];
  if (!at) return undefined;
  const heading =
    action === 'extendDeadline'
      ? 'extend-heading'
      : stage === 'market_engagement'
        ? 'close-market-heading'
        : 'close-heading';
  return `/statements/${statementId}/${at}#${heading}`;
}

/**
 * A step the statement's process took on its own (a deadline, the aggregation, e-mail) that
 * failed for good: shown to the lead (and administrators; the API gives it to nobody else) in
 * words a buyer understands, with since when, the fields named, and the lead's ways out. Each
 * way out is the control that already exists: the close and extend panels on the stage's page,
 * the cancel panel on the statement page (`cancelHref`), and retrying the aggregation, which
 * is one button (as on the demand page). The server's technical wording is kept under a
 * disclosure, marked as English, for whoever repairs the cause.
 */
export function ProcessFailureNotice({
  statementId,
  stage,
  failure,
  isLead,
  cancelHref,
  onRetried,
}: {
  statementId: string;
  stage: Stage;
  failure: ProcessFailure;
  /** An administrator that is not the lead may only cancel: closing, extending and retrying are the lead's. */
  isLead: boolean;
  /** Where the cancel control is: `#cancel-heading` on the statement page, the statement page elsewhere. */
  cancelHref: string;
  onRetried: (text: string) => Promise<void> | void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const { sessionExpired } = useSession();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);

  // `stage: event kind` as the workflow names it, or `deliver mail`.
  const kind = failure.step.includes(': ') ? failure.step.slice(failure.step.indexOf(': ') + 2) : '';
  const stageName = t(`stage.${stage}`);
  const step =
    failure.step === 'deliver mail'
      ? t('processFailure.step.mail')
      : stage === 'aggregation'
        ? t('processFailure.step.aggregation')
        : kind === 'stage_changed'
          ? t('processFailure.step.stageChanged', { stage: stageName })
          : t('processFailure.step.other', { stage: stageName });
  const cause =
    failure.type === 'invalid_data'
      ? t('processFailure.cause.invalidData')
      : failure.type === 'constraint_violation'
        ? t('processFailure.cause.constraintViolation')
        : t('processFailure.cause.other');

  const retry = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      await call(api.POST('/api/statements/{statementId}/aggregate/retry', { params: { path: { statementId } } }));
      await onRetried(t('aggregate.blocked.retried'));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  const actions = isLead ? failure.actions : failure.actions.filter((a) => a === 'cancel');
  const closeAt = actions.includes('closeStage') ? stageControlPage(statementId, stage, 'closeStage') : undefined;
  const extendAt = actions.includes('extendDeadline')
    ? stageControlPage(statementId, stage, 'extendDeadline')
    : undefined;
  const anyAction = Boolean(closeAt || extendAt || actions.includes('retryAggregation') || actions.includes('cancel'));

  return (
    <section className="notice notice--warning" aria-labelledby="process-failure-heading" data-testid="process-failure">
      <h2 className="notice__title" id="process-failure-heading">
        {t('processFailure.title')}
      </h2>
      <p>{t('processFailure.what', { step, time: format.dateTime(failure.at) })}</p>
      <p>{cause}</p>
      {failure.problems.length > 0 ? (
        <>
          <p>{t('processFailure.fields', { count: failure.problems.length })}</p>
          <ul>
            {failure.problems.map((p) => (
              <li key={`${p.field} ${p.rule}`}>
                <span className="mono">{p.field}</span>: <span lang="en">{p.rule}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>{anyAction ? t('processFailure.next') : t('processFailure.nothingToDo')}</p>
      {anyAction ? (
        <ul className="plain-list">
          {closeAt ? (
            <li>
              <Link to={closeAt}>{t('processFailure.actions.closeStage', { stage: stageName })}</Link>
            </li>
          ) : null}
          {extendAt ? (
            <li>
              <Link to={extendAt}>{t('processFailure.actions.extendDeadline')}</Link>
            </li>
          ) : null}
          {actions.includes('cancel') ? (
            <li>
              {cancelHref.startsWith('#') ? (
                <a href={cancelHref}>{t('processFailure.actions.cancel')}</a>
              ) : (
                <Link to={cancelHref}>{t('processFailure.actions.cancel')}</Link>
              )}
            </li>
          ) : null}
        </ul>
      ) : null}
      {actions.includes('retryAggregation') ? (
        <>
          <ErrorSummary problem={problem} />
          <button
            type="button"
            className="button button--primary"
            aria-disabled={busy || undefined}
            onClick={() => void retry()}
          >
            {t('processFailure.actions.retryAggregation')}
          </button>
        </>
      ) : null}
      <details>
        <summary>{t('processFailure.technical')}</summary>
        <p>
          <span className="mono">{failure.type}</span> · <span className="mono">{failure.step}</span>
        </p>
        <p lang="en">{failure.message}</p>
      </details>
    </section>
  );
}
