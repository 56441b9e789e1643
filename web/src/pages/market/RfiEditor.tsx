import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextAreaField } from '../../components/Field';
import { type FieldError, useSubmission } from '../../forms/errors';
import { consultationTextMax, minQuestionLength, textCharacterError } from '../../forms/text-rules';

type Question = Schemas['RequestForInformationView']['questions'][number];

/** A question id the others do not use: q1, q2, … (ids stay stable when questions are removed, so answers keep their question). */
function nextId(questions: readonly Question[]): string {
  const used = new Set(questions.map((q) => q.id));
  let n = questions.length + 1;
  while (used.has(`q${n}`)) n += 1;
  return `q${n}`;
}

/**
 * The lead buyer's request for information: the questions every supplier answers on the
 * public consultation page. It can change until the consultation closes.
 */
export function RfiEditor({
  statementId,
  rfi,
  onDone,
}: {
  statementId: string;
  rfi: Schemas['RequestForInformationView'];
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [questions, setQuestions] = useState<Question[]>(rfi.questions);
  const path = (i: number) => `questions[${i}].text`;

  const validate = (): FieldError[] =>
    questions.flatMap((q, i) => {
      const message =
        textCharacterError('paragraph', q.text, t) ??
        (q.text.trim().length < minQuestionLength
          ? t('market.rfi.errors.tooShort', { min: minQuestionLength })
          : undefined);
      return message ? [{ path: path(i), message }] : [];
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => {
      const saved = await call(
        api.PUT('/api/statements/{statementId}/consultation/rfi', {
          params: { path: { statementId } },
          body: { questions: questions.map((q) => ({ id: q.id, text: q.text.trim() })) },
        }),
      );
      await onDone(t('market.rfi.saved', { count: saved.questions.length }));
    });
  };

  return (
    <section aria-labelledby="rfi-heading" className="section">
      <h2 id="rfi-heading">{t('market.rfi.title')}</h2>
      <p>{t('market.rfi.intro')}</p>
      <form noValidate onSubmit={onSubmit} className="form">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
          scope="rfi"
          labelFor={(p) => {
            const i = /^questions\[(\d+)\]/.exec(p)?.[1];
            return i === undefined ? undefined : t('market.rfi.question', { n: Number(i) + 1 });
          }}
        />
        {questions.length === 0 ? <p className="muted">{t('market.rfi.none')}</p> : null}
        {questions.map((q, i) => (
          <div className="repeat-row" key={q.id}>
            <TextAreaField
              path={path(i)}
              scope="rfi"
              label={t('market.rfi.question', { n: i + 1 })}
              rows={2}
              value={q.text}
              maxLength={consultationTextMax.rfiQuestion}
              onChange={(e) => setQuestions((qs) => qs.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
              error={submission.errorFor(path(i))}
            />
            <button
              type="button"
              className="button button--link"
              onClick={() => setQuestions((qs) => qs.filter((_, j) => j !== i))}
            >
              {t('market.rfi.remove', { n: i + 1 })}
            </button>
          </div>
        ))}
        <div className="button-row">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => setQuestions((qs) => [...qs, { id: nextId(qs), text: '' }])}
          >
            {t('market.rfi.add')}
          </button>
          <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
            {submission.submitting ? t('common.saving') : t('market.rfi.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
