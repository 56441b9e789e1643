import {
  maxAbandonReasonLength,
  maxShortfallJustificationLength,
  type ShortfallDecision,
  shortfallDecisions,
} from '@jointdemand/rules/aggregation';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Statement } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary } from '../../components/ErrorSummary';
import { ErrorMessage, TextAreaField, TextField } from '../../components/Field';
import { localInput } from '../../forms/date-input';
import { type FieldError, fieldId, useSubmission } from '../../forms/errors';
import { textCharacterError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';

type Decision = ShortfallDecision;
const decisions = shortfallDecisions;

/**
 * The lead buyer's answer to a shortfall: reopen the needs assessment until a new deadline
 * (invite more buyers first, from the statement page), proceed to market engagement with a
 * recorded justification, or abandon the statement with a reason. Everyone sees the decision.
 */
export function ShortfallDecisionPanel({
  statement,
  onDone,
}: {
  statement: Statement;
  onDone: (updated: Statement, text: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [decision, setDecision] = useState<Decision | ''>('');
  const [deadline, setDeadline] = useState(() => localInput(new Date(Date.now() + 14 * 86_400_000)));
  const [justification, setJustification] = useState('');
  const [reason, setReason] = useState('');

  const labelFor = (path: string) =>
    ({
      decision: t('aggregate.shortfall.question'),
      deadline: t('aggregate.shortfall.deadline'),
      justification: t('aggregate.shortfall.justification'),
      reason: t('aggregate.shortfall.reason'),
    })[path];

  const validate = (): FieldError[] => {
    if (!decision) return [{ path: 'decision', message: t('aggregate.shortfall.errors.choose') }];
    if (decision === 'extend') {
      const at = new Date(deadline);
      if (!deadline || Number.isNaN(at.getTime())) return [{ path: 'deadline', message: t('actions.errors.dateTime') }];
      if (at.getTime() <= Date.now()) return [{ path: 'deadline', message: t('aggregate.shortfall.errors.future') }];
    }
    const typed = decision === 'proceed' ? justification : decision === 'abandon' ? reason : undefined;
    const characters = typed === undefined ? undefined : textCharacterError('paragraph', typed, t);
    if (characters) return [{ path: decision === 'proceed' ? 'justification' : 'reason', message: characters }];
    const text = typed?.trim();
    if (text !== undefined && text.length < 3)
      return [
        {
          path: decision === 'proceed' ? 'justification' : 'reason',
          message: t('actions.errors.reasonRequired', { min: 3 }),
        },
      ];
    const max = decision === 'proceed' ? maxShortfallJustificationLength : maxAbandonReasonLength;
    if (text !== undefined && text.length > max)
      return [
        {
          path: decision === 'proceed' ? 'justification' : 'reason',
          message: t('actions.errors.reasonTooLong', { max }),
        },
      ];
    return [];
  };

  const [confirming, setConfirming] = useState(false);

  // Proceeding and abandoning cannot be undone: the form is checked, then a dialog asks (extending reopens only).
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (decision === 'proceed' || decision === 'abandon')
      void submission.submit(validate, async () => setConfirming(true));
    else send();
  };

  const send = () =>
    void submission.submit(validate, async () => {
      const body =
        decision === 'extend'
          ? { decision, deadline: new Date(deadline).toISOString() }
          : decision === 'proceed'
            ? { decision, justification: justification.trim() }
            : { decision: 'abandon' as const, reason: reason.trim() };
      // The dialog closes once the answer is in, with the result or the problem to show.
      const updated = await call(
        api.POST('/api/statements/{statementId}/shortfall-decision', {
          params: { path: { statementId: statement.id } },
          body,
        }),
      ).finally(() => setConfirming(false));
      onDone(
        updated,
        decision === 'extend'
          ? t('aggregate.shortfall.done.extend', { deadline: format.dateTime(new Date(deadline).toISOString()) })
          : t(`aggregate.shortfall.done.${decision === 'proceed' ? 'proceed' : 'abandon'}`),
      );
    });

  const groupId = fieldId('decision', 'shortfall');
  const groupError = submission.errorFor('decision');
  return (
    <section className="action-panel action-panel--highlight" aria-labelledby="shortfall-heading">
      <h2 id="shortfall-heading">{t('aggregate.shortfall.title')}</h2>
      <p>{t('aggregate.shortfall.intro')}</p>
      <form noValidate onSubmit={onSubmit} className="form form--compact">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
          scope="shortfall"
          labelFor={labelFor}
        />
        <fieldset
          id={groupId}
          className={['field', 'choice-group', groupError ? 'field--error' : ''].filter(Boolean).join(' ')}
          aria-describedby={groupError ? `${groupId}-error` : undefined}
        >
          <legend className="field__label">{t('aggregate.shortfall.question')}</legend>
          {groupError ? <ErrorMessage id={`${groupId}-error`} error={groupError} /> : null}
          <div className="choice-list">
            {decisions.map((d) => (
              <div className="choice choice--described" key={d}>
                <input
                  type="radio"
                  id={`${groupId}-${d}`}
                  name="decision"
                  checked={decision === d}
                  onChange={() => {
                    setDecision(d);
                    submission.reset();
                  }}
                  aria-describedby={`${groupId}-${d}-hint`}
                />
                <label htmlFor={`${groupId}-${d}`}>{t(`aggregate.shortfall.option.${d}`)}</label>
                <p id={`${groupId}-${d}-hint`} className="field__hint choice__hint">
                  {t(`aggregate.shortfall.optionHint.${d}`)}
                </p>
              </div>
            ))}
          </div>
        </fieldset>
        {decision === 'extend' ? (
          <TextField
            path="deadline"
            scope="shortfall"
            type="datetime-local"
            label={t('aggregate.shortfall.deadline')}
            hint={t('aggregate.shortfall.deadlineHint')}
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
            error={submission.errorFor('deadline')}
          />
        ) : null}
        {decision === 'proceed' ? (
          <TextAreaField
            path="justification"
            scope="shortfall"
            label={t('aggregate.shortfall.justification')}
            hint={t('aggregate.shortfall.justificationHint')}
            rows={4}
            value={justification}
            maxLength={maxShortfallJustificationLength}
            onChange={(e) => setJustification(e.target.value)}
            error={submission.errorFor('justification')}
          />
        ) : null}
        {decision === 'abandon' ? (
          <TextAreaField
            path="reason"
            scope="shortfall"
            label={t('aggregate.shortfall.reason')}
            hint={t('aggregate.shortfall.reasonHint')}
            rows={3}
            value={reason}
            maxLength={maxAbandonReasonLength}
            onChange={(e) => setReason(e.target.value)}
            error={submission.errorFor('reason')}
          />
        ) : null}
        <button
          type="submit"
          className={`button ${decision === 'abandon' ? 'button--danger' : 'button--primary'}`}
          aria-disabled={submission.submitting || undefined}
        >
          {submission.submitting ? t('common.saving') : t('aggregate.shortfall.submit')}
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={decision === 'abandon' ? t('guidance.confirm.abandonTitle') : t('guidance.confirm.proceedTitle')}
        confirmLabel={decision === 'abandon' ? t('guidance.confirm.abandon') : t('guidance.confirm.proceed')}
        busyLabel={t('common.saving')}
        cancelLabel={t('guidance.confirm.notYet')}
        busy={submission.submitting}
        variant={decision === 'abandon' ? 'danger' : 'primary'}
        onConfirm={send}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {decision === 'abandon' ? t('guidance.confirm.abandonConsequence') : t('guidance.confirm.proceedConsequence')}
        </p>
      </ConfirmDialog>
    </section>
  );
}
