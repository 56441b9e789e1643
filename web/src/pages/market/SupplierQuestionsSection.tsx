import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextAreaField } from '../../components/Field';
import { useSubmission } from '../../forms/errors';
import { consultationTextMax, textCharacterError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';

type Question = Schemas['SupplierQuestionView'];

/**
 * Suppliers' questions with who asked (the lead and Commission staff see the asker; the
 * published answer never names them), unanswered first; the lead answers each once.
 */
export function SupplierQuestionsSection({
  statementId,
  questions,
  canAnswer,
  onDone,
}: {
  statementId: string;
  questions: Question[];
  canAnswer: boolean;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const ordered = [...questions].sort(
    (a, b) => Number(a.answer !== null) - Number(b.answer !== null) || a.number - b.number,
  );
  return (
    <section aria-labelledby="questions-heading" className="section">
      <h2 id="questions-heading">{t('market.questions.title')}</h2>
      <p>{t('market.questions.intro')}</p>
      {ordered.length === 0 ? <p className="muted">{t('market.questions.none')}</p> : null}
      <ul className="card-list">
        {ordered.map((q) => (
          <li key={q.number} className="card" aria-labelledby={`question-${q.number}`}>
            <h3 id={`question-${q.number}`}>{t('market.questions.number', { number: q.number })}</h3>
            <p className="prose">{q.question}</p>
            <p className="muted small">
              {t('market.questions.asked', { name: q.askedBy.name, date: format.dateTime(q.askedAt) })}
            </p>
            {q.answer !== null ? (
              <>
                <h4>{t('market.questions.answer')}</h4>
                <p className="prose">{q.answer}</p>
                {q.answeredAt ? (
                  <p className="muted small">
                    {t('market.questions.answeredAt', { date: format.dateTime(q.answeredAt) })}
                  </p>
                ) : null}
              </>
            ) : canAnswer ? (
              <AnswerForm statementId={statementId} number={q.number} onDone={onDone} />
            ) : (
              <p className="tag tag--neutral">{t('market.questions.unanswered')}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AnswerForm({
  statementId,
  number,
  onDone,
}: {
  statementId: string;
  number: number;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const [answer, setAnswer] = useState('');
  const scope = `answer-${number}`;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(
      () => {
        const message =
          textCharacterError('paragraph', answer, t) ??
          (answer.trim() === '' ? t('market.questions.errors.answerRequired') : undefined);
        return message ? [{ path: 'answer', message }] : [];
      },
      async () => {
        await call(
          api.POST('/api/statements/{statementId}/consultation/questions/{number}/answer', {
            params: { path: { statementId, number } },
            body: { answer: answer.trim() },
          }),
        );
        await onDone(t('market.questions.published', { number }));
      },
    );
  };
  return (
    <form noValidate onSubmit={onSubmit} className="form form--compact">
      <ErrorSummary
        problem={submission.problem}
        fieldErrors={submission.fieldErrors}
        summaryRef={submission.summaryRef}
        scope={scope}
        labelFor={(p) => (p === 'answer' ? t('market.questions.answerLabel', { number }) : undefined)}
      />
      <TextAreaField
        path="answer"
        scope={scope}
        label={t('market.questions.answerLabel', { number })}
        hint={t('market.questions.answerHint')}
        rows={3}
        value={answer}
        maxLength={consultationTextMax.leadAnswer}
        onChange={(e) => setAnswer(e.target.value)}
        error={submission.errorFor('answer')}
      />
      <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
        {submission.submitting ? t('common.saving') : t('market.questions.submit', { number })}
      </button>
    </form>
  );
}
