import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Statement } from '../../../api/client';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextField } from '../../../components/Field';
import { type FieldError, useSubmission } from '../../../forms/errors';
import { useFormat } from '../../../i18n/format';
import type { ActionDone } from './types';

/**
 * The lead buyer opens the needs assessment, with the schedule's duration or an explicit
 * deadline. Opening locks the statement's details, so it is confirmed in a dialog that names the
 * consequences (and what the readiness checklist still misses) before anything is sent.
 */
export function OpenNeedsPanel({
  statement,
  onDone,
  primary = false,
}: {
  statement: Statement;
  onDone: ActionDone;
  primary?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [deadline, setDeadline] = useState('');
  const [confirming, setConfirming] = useState(false);
  const accepted = statement.participants.filter((p) => p.status === 'joined').length;
  const unanswered = statement.participants.filter((p) => p.status === 'invited').length;
  const notReady = (statement.readiness?.items ?? []).filter((i) => i.state === 'todo').length;

  const validate = (): FieldError[] => {
    if (!deadline) return [];
    const at = new Date(deadline);
    if (Number.isNaN(at.getTime())) return [{ path: 'deadline', message: t('actions.errors.dateTime') }];
    if (at.getTime() <= Date.now()) return [{ path: 'deadline', message: t('actions.errors.future') }];
    return [];
  };

  // First the form is checked, then the dialog asks; only its confirm button sends.
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => setConfirming(true));
  };

  const onConfirm = () =>
    void submission.submit(
      () => [],
      async () => {
        try {
          const updated = await call(
            api.POST('/api/statements/{statementId}/needs-assessment/open', {
              params: { path: { statementId: statement.id } },
              body: deadline ? { deadline: new Date(deadline).toISOString() } : {},
            }),
          );
          setConfirming(false);
          onDone(updated, (tr) => tr('actions.openNeeds.done'));
        } catch (error) {
          setConfirming(false);
          throw error;
        }
      },
    );

  const closesAt = deadline
    ? format.dateTime(new Date(deadline).toISOString())
    : format.duration(statement.schedule.needsAssessment);

  return (
    <section
      className={`action-panel${primary ? ' action-panel--highlight' : ''}`}
      aria-labelledby="open-needs-heading"
    >
      <h3 id="open-needs-heading">{t('actions.openNeeds.title')}</h3>
      <p>{t('actions.openNeeds.intro', { count: accepted })}</p>
      <form noValidate onSubmit={onSubmit} className="form form--compact">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
          scope="openNeeds"
          labelFor={(path) => (path === 'deadline' ? t('actions.openNeeds.deadline') : undefined)}
        />
        <TextField
          path="deadline"
          scope="openNeeds"
          type="datetime-local"
          label={t('actions.openNeeds.deadline')}
          optional
          hint={t('actions.openNeeds.deadlineHint', { duration: format.duration(statement.schedule.needsAssessment) })}
          value={deadline}
          onChange={(e) => setDeadline(e.target.value)}
          error={submission.errorFor('deadline')}
        />
        <button
          type="submit"
          className={`button ${primary ? 'button--primary' : 'button--secondary'}`}
          aria-disabled={submission.submitting || undefined}
        >
          {t('actions.openNeeds.submit')}
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={t('actions.openNeeds.confirmTitle')}
        confirmLabel={t('actions.openNeeds.confirm')}
        busyLabel={t('actions.openNeeds.opening')}
        cancelLabel={t('actions.openNeeds.keepDraft')}
        busy={submission.submitting}
        onConfirm={onConfirm}
        onCancel={() => setConfirming(false)}
      >
        <ul>
          <li>{t('actions.openNeeds.consequenceLocked')}</li>
          <li>
            {deadline
              ? t('actions.openNeeds.consequenceAsked', { count: accepted, deadline: closesAt })
              : t('actions.openNeeds.consequenceAskedFor', { count: accepted, duration: closesAt })}
          </li>
          {unanswered > 0 ? <li>{t('actions.openNeeds.consequenceUnanswered', { count: unanswered })}</li> : null}
          {notReady > 0 ? <li>{t('actions.openNeeds.consequenceNotReady', { count: notReady })}</li> : null}
        </ul>
      </ConfirmDialog>
    </section>
  );
}
