import { type ApprovalChoice, approvalChoices, maxApprovalCommentLength } from '@jointdemand/rules/approval';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { ErrorMessage, TextAreaField } from '../../components/Field';
import { type FieldError, fieldId, useSubmission } from '../../forms/errors';
import { textCharacterError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';

type Decision = ApprovalChoice;
const choices = approvalChoices;

/**
 * A confirmed buyer's decision on the current version: approve it (the organisation becomes a
 * signatory when it is published), or ask for changes saying what should change. A decision can
 * be changed until publication; a new version asks everyone again.
 */
export function ApprovalDecisionForm({
  statementId,
  version,
  current,
  onDone,
}: {
  statementId: string;
  version: number;
  current: 'approved' | 'changes_requested' | null;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [decision, setDecision] = useState<Decision | ''>('');
  const [comment, setComment] = useState('');

  const validate = (): FieldError[] => {
    if (!decision) return [{ path: 'decision', message: t('approval.decide.errors.choose') }];
    const characters = textCharacterError('paragraph', comment, t);
    if (characters) return [{ path: 'comment', message: characters }];
    if (decision === 'request_changes' && comment.trim() === '')
      return [{ path: 'comment', message: t('approval.decide.errors.commentRequired') }];
    if (comment.trim().length > maxApprovalCommentLength)
      return [{ path: 'comment', message: t('actions.errors.reasonTooLong', { max: maxApprovalCommentLength }) }];
    return [];
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => {
      const body = { version, decision: decision as Decision, ...(comment.trim() ? { comment: comment.trim() } : {}) };
      await call(api.POST('/api/statements/{statementId}/approval', { params: { path: { statementId } }, body }));
      setDecision('');
      setComment('');
      await onDone(
        t(decision === 'approve' ? 'approval.decide.doneApproved' : 'approval.decide.doneChanges', {
          version: format.number(version),
        }),
      );
    });
  };

  const groupId = fieldId('decision', 'approval');
  const groupError = submission.errorFor('decision');
  return (
    <section className="action-panel action-panel--highlight" aria-labelledby="decide-heading">
      <h2 id="decide-heading">{t('approval.decide.title', { version: format.number(version) })}</h2>
      <p>
        {current === null
          ? t('approval.decide.intro')
          : t(current === 'approved' ? 'approval.decide.currentApproved' : 'approval.decide.currentChanges', {
              version: format.number(version),
            })}
      </p>
      <form noValidate onSubmit={onSubmit} className="form form--compact">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
          scope="approval"
          labelFor={(p) => ({ decision: t('approval.decide.question'), comment: t('approval.decide.comment') })[p]}
        />
        <fieldset
          id={groupId}
          className={['field', 'choice-group', groupError ? 'field--error' : ''].filter(Boolean).join(' ')}
          aria-describedby={groupError ? `${groupId}-error` : undefined}
        >
          <legend className="field__label">{t('approval.decide.question')}</legend>
          {groupError ? <ErrorMessage id={`${groupId}-error`} error={groupError} /> : null}
          <div className="choice-list">
            {choices.map((c) => (
              <div className="choice" key={c}>
                <input
                  type="radio"
                  id={`${groupId}-${c}`}
                  name="decision"
                  checked={decision === c}
                  onChange={() => {
                    setDecision(c);
                    submission.reset();
                  }}
                />
                <label htmlFor={`${groupId}-${c}`}>{t(`approval.decide.option.${c}`)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <TextAreaField
          path="comment"
          scope="approval"
          label={t('approval.decide.comment')}
          hint={t('approval.decide.commentHint')}
          optional={decision !== 'request_changes'}
          rows={4}
          value={comment}
          maxLength={maxApprovalCommentLength}
          onChange={(e) => setComment(e.target.value)}
          error={submission.errorFor('comment')}
        />
        <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
          {submission.submitting ? t('common.saving') : t('approval.decide.submit')}
        </button>
      </form>
    </section>
  );
}
