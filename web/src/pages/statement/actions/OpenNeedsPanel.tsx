import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Statement } from '../../../api/client';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextField } from '../../../components/Field';
import { type FieldError, useSubmission } from '../../../forms/errors';
import { useFormat } from '../../../i18n/format';
import type { ActionDone } from './types';

/** The lead buyer opens the needs assessment, with the schedule's duration or an explicit deadline. */
export function OpenNeedsPanel({ statement, onDone }: { statement: Statement; onDone: ActionDone }) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [deadline, setDeadline] = useState('');
  const accepted = statement.participants.filter((p) => p.status === 'joined').length;

  const validate = (): FieldError[] => {
    if (!deadline) return [];
    const at = new Date(deadline);
    if (Number.isNaN(at.getTime())) return [{ path: 'deadline', message: t('actions.errors.dateTime') }];
    if (at.getTime() <= Date.now()) return [{ path: 'deadline', message: t('actions.errors.future') }];
    return [];
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => {
      const updated = await call(
        api.POST('/api/statements/{statementId}/needs-assessment/open', {
          params: { path: { statementId: statement.id } },
          body: deadline ? { deadline: new Date(deadline).toISOString() } : {},
        }),
      );
      onDone(updated, (tr) => tr('actions.openNeeds.done'));
    });
  };

  return (
    <section className="action-panel" aria-labelledby="open-needs-heading">
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
        <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
          {t('actions.openNeeds.submit')}
        </button>
      </form>
    </section>
  );
}
