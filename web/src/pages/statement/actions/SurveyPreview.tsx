import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ApiProblem, asProblem } from '../../../api/client';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Loading } from '../../../components/Loading';
import { getSurvey, type SurveyVersion } from '../../needs/load';

/**
 * What an invited buyer will be asked, read-only, before it answers the invitation: the need
 * lines every buyer fills in and the lead's own questions (the survey an invited organisation
 * may already read; nobody outside the statement can).
 */
export function SurveyPreview({ statementId }: { statementId: string }) {
  const { t } = useTranslation();
  const [survey, setSurvey] = useState<SurveyVersion | null | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();

  useEffect(() => {
    let live = true;
    getSurvey(statementId).then(
      (s) => live && setSurvey(s),
      (error: unknown) => live && setProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, [statementId]);

  if (problem) return <ErrorSummary problem={problem} />;
  if (survey === undefined) return <Loading />;
  const questions = survey?.questions ?? [];
  return (
    <div className="survey-preview" data-testid="survey-preview">
      <h4>{t('survey.needLinesTitle')}</h4>
      <p>{t('survey.needLinesIntro')}</p>
      <h4>{t('guidance.preview.questions')}</h4>
      {questions.length === 0 ? (
        <p className="muted">{t('guidance.preview.noQuestions')}</p>
      ) : (
        <ol className="survey-preview__questions">
          {questions.map((q) => (
            <li key={q.id}>
              <span className="survey-preview__label">{q.label}</span>{' '}
              <span className="muted">
                ({t(`survey.types.${q.type}`)},{' '}
                {q.required ? t('survey.question.requiredYes') : t('survey.question.requiredNo')})
              </span>
              {q.helpText ? <p className="muted small">{q.helpText}</p> : null}
              {'options' in q ? (
                <ul className="plain-list small">
                  {q.options.map((o) => (
                    <li key={o.id}>{o.label}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
