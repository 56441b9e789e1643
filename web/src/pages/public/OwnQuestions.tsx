import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';

type Question = Schemas['OwnQuestions']['questions'][number];

/** A signed-in supplier's own questions on a consultation, each with when it was asked and the lead's answer. */
export function OwnQuestions({ statementId, version = 0 }: { statementId: string; version?: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [questions, setQuestions] = useState<Question[] | undefined>();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/consultations/{statementId}/my-questions', { params: { path: { statementId } } })).then(
      (r) => {
        if (live) setQuestions(r.questions);
      },
      () => undefined, // Not shown when it cannot be read.
    );
    return () => {
      live = false;
    };
  }, [statementId, version]);

  if (!questions) return null;
  return (
    <section aria-labelledby="own-questions">
      <h2 id="own-questions">{t('supplier.ownQuestions.title')}</h2>
      {questions.length === 0 ? (
        <p>{t('supplier.ownQuestions.none')}</p>
      ) : (
        <ol className="qa" data-testid="own-questions">
          {questions.map((q) => (
            <li key={q.number} value={q.number}>
              <p>
                <strong>{q.question}</strong>{' '}
                <span className="muted">{t('supplier.ownQuestions.asked', { date: format.dateTime(q.askedAt) })}</span>
              </p>
              {q.answer !== null ? (
                <p>
                  {t('supplier.ownQuestions.answer', { date: q.answeredAt ? format.dateTime(q.answeredAt) : '' })}:{' '}
                  {q.answer}
                </p>
              ) : (
                <p className="muted">{t('supplier.ownQuestions.notAnswered')}</p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
