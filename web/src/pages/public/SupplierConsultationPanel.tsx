import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextAreaField } from '../../components/Field';
import { StatusMessage } from '../../components/StatusMessage';
import { useSubmission } from '../../forms/errors';
import { consultationTextMax, minQuestionLength, textCharacterError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';
import { OwnQuestions } from './OwnQuestions';

type Consultation = Schemas['PublicConsultation'];

/** A signed-in supplier's part of an open consultation: its response to the request for information, and a question to the buyers. */
export function SupplierConsultationPanel({ consultation }: { consultation: Consultation }) {
  const { t } = useTranslation();
  const format = useFormat();
  const statementId = consultation.statementId;
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [savedAt, setSavedAt] = useState<string | undefined>();
  const [question, setQuestion] = useState('');
  const [asked, setAsked] = useState<number | undefined>();
  const response = useSubmission();
  const ask = useSubmission();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/consultations/{statementId}/response', { params: { path: { statementId } } })).then(
      (r) => {
        if (!live) return;
        setAnswers(r.answers);
        setSavedAt(r.updatedAt);
      },
      () => undefined, // No response yet: the form starts empty.
    );
    return () => {
      live = false;
    };
  }, [statementId]);

  const labelFor = (path: string) => consultation.requestForInformation.find((q) => `answers.${q.id}` === path)?.text;

  return (
    <>
      {consultation.requestForInformation.length > 0 ? (
        <section aria-labelledby="your-response">
          <h2 id="your-response">{t('supplier.response.title')}</h2>
          <p>{t('supplier.response.intro')}</p>
          <ErrorSummary
            problem={response.problem}
            fieldErrors={response.fieldErrors}
            summaryRef={response.summaryRef}
            labelFor={labelFor}
          />
          <StatusMessage>
            {savedAt ? t('supplier.response.saved', { date: format.dateTime(savedAt) }) : null}
          </StatusMessage>
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void response.submit(
                () =>
                  consultation.requestForInformation.flatMap((q) => {
                    const value = answers[q.id] ?? '';
                    const message =
                      textCharacterError('paragraph', value, t) ??
                      (value.trim() === '' ? t('supplier.response.required') : undefined);
                    return message ? [{ path: `answers.${q.id}`, message }] : [];
                  }),
                async () => {
                  const saved = await call(
                    api.PUT('/api/consultations/{statementId}/response', {
                      params: { path: { statementId } },
                      body: { answers },
                    }),
                  );
                  setSavedAt(saved.updatedAt);
                },
              );
            }}
          >
            {consultation.requestForInformation.map((q) => (
              <TextAreaField
                key={q.id}
                path={`answers.${q.id}`}
                label={q.text}
                error={response.errorFor(`answers.${q.id}`)}
                value={answers[q.id] ?? ''}
                maxLength={consultationTextMax.response}
                onChange={(e) => setAnswers((a) => ({ ...a, [q.id]: e.target.value }))}
              />
            ))}
            <button type="submit" className="button button--primary" aria-disabled={response.submitting || undefined}>
              {response.submitting ? t('common.saving') : t('supplier.response.submit')}
            </button>
          </form>
        </section>
      ) : null}

      <section aria-labelledby="ask-question">
        <h2 id="ask-question">{t('supplier.question.title')}</h2>
        <p>{t('supplier.question.intro')}</p>
        <ErrorSummary
          problem={ask.problem}
          fieldErrors={ask.fieldErrors}
          summaryRef={ask.summaryRef}
          labelFor={() => t('supplier.question.label')}
        />
        <StatusMessage>{asked ? t('supplier.question.asked', { number: format.number(asked) }) : null}</StatusMessage>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void ask.submit(
              () => {
                const message =
                  textCharacterError('paragraph', question, t) ??
                  (question.trim().length < minQuestionLength ? t('supplier.question.tooShort') : undefined);
                return message ? [{ path: 'question', message }] : [];
              },
              async () => {
                const r = await call(
                  api.POST('/api/consultations/{statementId}/questions', {
                    params: { path: { statementId } },
                    body: { question },
                  }),
                );
                setAsked(r.number);
                setQuestion('');
              },
            );
          }}
        >
          <TextAreaField
            path="question"
            label={t('supplier.question.label')}
            error={ask.errorFor('question')}
            value={question}
            maxLength={consultationTextMax.supplierQuestion}
            onChange={(e) => setQuestion(e.target.value)}
          />
          <button type="submit" className="button button--primary" aria-disabled={ask.submitting || undefined}>
            {t('supplier.question.submit')}
          </button>
        </form>
      </section>

      <OwnQuestions statementId={statementId} version={asked} />
    </>
  );
}
