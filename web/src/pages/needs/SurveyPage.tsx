import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { allows, api, type ApiProblem, asProblem, call } from '../../api/client';
import { useMe, useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { StageTag } from '../../components/StageStepper';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { type FieldError, focusField } from '../../forms/errors';
import { useFormat } from '../../i18n/format';
import {
  MAX_QUESTIONS,
  newQuestion,
  questionFieldLabel,
  questionFromSurvey,
  questionPath,
  questionsToRequest,
  type QuestionValues,
  validateQuestions,
} from '../../needs/survey-form';
import { getStatement, getSurvey, type SurveyVersion, useLoad } from './load';
import { QuestionEditor } from './QuestionEditor';

/** Moves the question index of field paths after a reorder, insertion or removal. */
function remapErrors(errors: FieldError[], map: (i: number) => number | undefined): FieldError[] {
  return errors.flatMap((e) => {
    const m = /^questions\[(\d+)\](.*)$/.exec(e.path);
    if (!m) return [e];
    const to = map(Number(m[1]));
    return to === undefined ? [] : [{ ...e, path: `questions[${to}]${m[2]}` }];
  });
}

/**
 * The lead buyer designs the survey's own questions (the need-line form is always part of it):
 * add, reorder and remove questions of each type. In draft, saving rewrites the survey; once the
 * needs assessment is open, saving publishes a correction as a new version, and the page says
 * which version the buyers are answering.
 */
export default function SurveyPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { sessionExpired } = useSession();
  const { statementId = '' } = useParams();
  const load = useCallback(async () => {
    const [statement, survey] = await Promise.all([getStatement(statementId), getSurvey(statementId)]);
    return { statement, survey };
  }, [statementId]);
  const { data, problem: loadProblem } = useLoad(load);
  const [survey, setSurvey] = useState<SurveyVersion | null | undefined>();
  const [questions, setQuestions] = useState<QuestionValues[] | undefined>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; n: number } | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const [focusPath, setFocusPath] = useState<string | undefined>();
  const [summaryFocus, setSummaryFocus] = useState(0);
  const summaryRef = useRef<HTMLDivElement | null>(null);

  const statement = data?.statement;
  const isLead = statement?.lead.id === me.organisation.id;
  const editable = Boolean(statement && allows(statement, 'defineSurvey'));
  const correcting = statement?.stage !== 'draft';

  useEffect(() => {
    if (!data || questions !== undefined) return;
    setSurvey(data.survey);
    setQuestions((data.survey?.questions ?? []).map((q) => questionFromSurvey(q, format.locale)));
  }, [data, questions, format.locale]);

  useEffect(() => {
    if (focusPath) {
      focusField(focusPath);
      setFocusPath(undefined);
    }
  }, [focusPath]);

  useEffect(() => {
    if (summaryFocus > 0) summaryRef.current?.focus();
  }, [summaryFocus]);

  const errorFor = (path: string) => errors.find((e) => e.path === path);

  const change = (i: number, patch: Partial<QuestionValues>, field: string) => {
    setQuestions((qs) => qs?.map((q, j) => (j === i ? { ...q, ...patch } : q)));
    const prefix = questionPath(i, field);
    setErrors((es) =>
      es.filter((e) => !(e.path === prefix || e.path.startsWith(`${prefix}[`) || e.path.startsWith(`${prefix}.`))),
    );
  };

  const add = () => {
    if (!questions || questions.length >= MAX_QUESTIONS) return;
    setQuestions([...questions, newQuestion()]);
    setAnnouncement(t('survey.added', { n: questions.length + 1 }));
    setFocusPath(questionPath(questions.length, 'type'));
  };

  const move = (i: number, to: number) => {
    if (!questions || to < 0 || to >= questions.length) return;
    const next = [...questions];
    const [q] = next.splice(i, 1);
    next.splice(to, 0, q!);
    setQuestions(next);
    setErrors((es) => remapErrors(es, (k) => (k === i ? to : k === to ? i : k)));
    setAnnouncement(t('survey.moved', { from: i + 1, to: to + 1 }));
    // The focus follows the question, on the button that was used when it is still there.
    requestAnimationFrame(() => {
      const id = `question-${to}-${to < i ? 'up' : 'down'}`;
      const target = document.getElementById(id) as HTMLButtonElement | null;
      (target && !target.disabled ? target : document.getElementById(`question-${to}-heading`))?.focus();
    });
  };

  const remove = (i: number) => {
    if (!questions) return;
    setQuestions(questions.filter((_, j) => j !== i));
    setErrors((es) => remapErrors(es, (k) => (k === i ? undefined : k > i ? k - 1 : k)));
    setAnnouncement(t('survey.removed', { n: i + 1 }));
    requestAnimationFrame(() => document.getElementById(i > 0 ? `question-${i - 1}-heading` : 'add-question')?.focus());
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !questions) return;
    const local = validateQuestions(questions, format.locale, t);
    setProblem(undefined);
    if (local.length > 0) {
      setErrors(local);
      setSummaryFocus((n) => n + 1);
      return;
    }
    setBusy(true);
    setErrors([]);
    try {
      const body = { questions: questionsToRequest(questions, format.locale) };
      const saved = (await call(
        api.PUT('/api/statements/{statementId}/survey', { params: { path: { statementId } }, body }),
      )) as SurveyVersion;
      setSurvey(saved);
      // Keep the ids the new questions received, so the next save keeps them too.
      setQuestions(
        saved.questions.map((q, i) => ({ ...questionFromSurvey(q, format.locale), key: questions[i]?.key ?? i })),
      );
      setMessage((m) => ({
        text: correcting ? t('survey.publishedVersion', { version: saved.version }) : t('survey.saved'),
        n: (m?.n ?? 0) + 1,
      }));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      if (p.code === 'conflict' && p.errors.length === 0 && /unchanged/i.test(p.detail ?? '')) {
        setMessage((m) => ({ text: t('survey.unchanged'), n: (m?.n ?? 0) + 1 }));
      } else {
        setProblem(p);
        setErrors(p.errors.map((e) => ({ path: e.field, message: e.rule, fromServer: true })));
        setSummaryFocus((n) => n + 1);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <StatementSubpageHeading
        title={t('survey.title')}
        statement={statement}
        problem={loadProblem}
        loading={!data && !loadProblem}
      />

      {statement && questions ? (
        <>
          <dl className="key-facts">
            <div>
              <dt>{t('statement.stage')}</dt>
              <dd>
                <StageTag stage={statement.stage} />
              </dd>
            </div>
            <div>
              <dt>{t('survey.currentVersion')}</dt>
              <dd data-testid="survey-version">
                {survey
                  ? t('survey.versionInfo', {
                      version: format.number(survey.version),
                      date: format.dateTime(survey.createdAt),
                    })
                  : t('survey.noVersion')}
              </dd>
            </div>
          </dl>
          <StatusMessage focus key={message?.n}>
            {message?.text}
          </StatusMessage>
          <p role="status" className="visually-hidden">
            {announcement}
          </p>

          {!editable ? (
            <p className="notice notice--info">{isLead ? t('survey.frozen') : t('survey.leadOnly')}</p>
          ) : correcting ? (
            <p className="notice notice--info">
              {t('survey.correctionHelp', { version: survey?.version ?? 1, next: (survey?.version ?? 1) + 1 })}
            </p>
          ) : (
            <p className="lead">{t('survey.intro')}</p>
          )}

          <form noValidate onSubmit={(e) => void onSubmit(e)} className="form survey-form">
            <ErrorSummary
              problem={problem}
              fieldErrors={errors}
              summaryRef={summaryRef}
              labelFor={(path) => questionFieldLabel(path, t)}
            />
            <section aria-labelledby="fixed-heading" className="section">
              <h2 id="fixed-heading">{t('survey.needLinesTitle')}</h2>
              <p>{t('survey.needLinesIntro')}</p>
            </section>
            <section aria-labelledby="questions-heading" className="section">
              <h2 id="questions-heading">{t('survey.questions')}</h2>
              {questions.length === 0 ? <p className="muted">{t('survey.noQuestions')}</p> : null}
              <ol className="question-list">
                {questions.map((q, i) => (
                  <li key={q.key}>
                    <QuestionEditor
                      question={q}
                      index={i}
                      count={questions.length}
                      readOnly={!editable}
                      errorFor={errorFor}
                      onChange={(patch, field) => change(i, patch, field)}
                      onMove={(to) => move(i, to)}
                      onRemove={() => remove(i)}
                    />
                  </li>
                ))}
              </ol>
              {editable && questions.length < MAX_QUESTIONS ? (
                <button id="add-question" type="button" className="button button--secondary" onClick={add}>
                  {t('survey.add')}
                </button>
              ) : null}
            </section>
            {editable ? (
              <div className="form-actions">
                <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
                  {busy
                    ? t('common.saving')
                    : correcting
                      ? t('survey.publish', { version: (survey?.version ?? 1) + 1 })
                      : t('survey.save')}
                </button>
                <Link to={`/statements/${statement.id}`} className="button button--secondary">
                  {t('common.backToStatement')}
                </Link>
              </div>
            ) : (
              <p>
                <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
              </p>
            )}
          </form>
        </>
      ) : null}
    </>
  );
}
