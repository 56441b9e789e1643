import { locales } from '@jointdemand/rules/locales';
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, asProblem, call, type Schemas } from '../../api/client';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { ShowMore } from '../../components/ShowMore';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { useFormat } from '../../i18n/format';
import { Quantity } from '../../reference/Words';
import { type Bar, BarChart } from '../dashboard/BarChart';
import { getNeeds, getStatement, type NeedsVersion, useLoad } from './load';
import { VersionDetails } from './VersionDetails';

type SurveyResults = Schemas['SurveyResults'];
type QuestionResult = Schemas['SurveyQuestionResult'];
type Respondents = Schemas['SurveyRespondents'];
type Respondent = Respondents['respondents'][number];

const getResults = (statementId: string): Promise<SurveyResults> =>
  call(api.GET('/api/statements/{statementId}/survey-results', { params: { path: { statementId } } }));

const getRespondents = (statementId: string, cursor?: string): Promise<Respondents> =>
  call(
    api.GET('/api/statements/{statementId}/survey-results/respondents', {
      params: { path: { statementId }, query: cursor ? { cursor } : {} },
    }),
  );

/**
 * The lead buyer reads the answers to its own needs survey: per question (counts per option
 * drawn as bars, numeric summaries, the range of dates), per participant (its submitted lines
 * and answers, opened one at a time), and downloads them as XLSX or CSV in its language.
 * The server answers only the lead; anyone else sees the problem it answers.
 */
export default function SurveyResultsPage() {
  const { t, i18n } = useTranslation();
  const { statementId = '' } = useParams();
  const load = useCallback(async () => {
    const [statement, results, respondents] = await Promise.all([
      getStatement(statementId),
      getResults(statementId),
      getRespondents(statementId),
    ]);
    return { statement, results, respondents };
  }, [statementId]);
  const { data, problem } = useLoad(load);
  const lang = locales.find((l) => i18n.language.startsWith(l)) ?? 'en';
  const exportUrl = (format: 'xlsx' | 'csv') => `/api/statements/${statementId}/survey-results.${format}?lang=${lang}`;

  return (
    <>
      <StatementSubpageHeading
        title={t('surveyResults.title')}
        statement={data?.statement}
        problem={problem}
        loading={!data && !problem}
      />
      {data ? (
        <>
          <dl className="key-facts">
            <div>
              <dt>{t('surveyResults.respondentsLabel')}</dt>
              <dd data-testid="survey-respondents">
                {t('surveyResults.respondentsText', {
                  count: data.results.participants.respondents,
                  total: data.results.participants.total,
                })}
              </dd>
            </div>
            <div>
              <dt>{t('surveyResults.surveyVersion')}</dt>
              <dd>{data.results.survey ? data.results.survey.version : t('surveyResults.noSurvey')}</dd>
            </div>
          </dl>

          <section aria-labelledby="export-heading" className="section">
            <h2 id="export-heading">{t('surveyResults.exportTitle')}</h2>
            <p>{t('surveyResults.exportIntro')}</p>
            <div className="button-row">
              <a className="button button--secondary" href={exportUrl('xlsx')} download>
                {t('surveyResults.downloadXlsx')}
              </a>
              <a className="button button--secondary" href={exportUrl('csv')} download>
                {t('surveyResults.downloadCsv')}
              </a>
            </div>
          </section>

          <section aria-labelledby="questions-heading" className="section">
            <h2 id="questions-heading">{t('surveyResults.byQuestion')}</h2>
            {data.results.questions.length === 0 ? (
              <p className="muted">{t('surveyResults.noQuestions')}</p>
            ) : (
              <div className="card-list">
                {data.results.questions.map((q, i) => (
                  <QuestionCard key={q.id} question={q} index={i} respondents={data.results.participants.respondents} />
                ))}
              </div>
            )}
          </section>

          <section aria-labelledby="respondents-heading" className="section">
            <h2 id="respondents-heading">{t('surveyResults.byParticipant')}</h2>
            <RespondentList statementId={statementId} first={data.respondents} />
          </section>
          <p>
            <Link to={`/statements/${statementId}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}

function QuestionCard({
  question: q,
  index,
  respondents,
}: {
  question: QuestionResult;
  index: number;
  respondents: number;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = `question-${index}`;
  const share = (n: number) => (q.answered === 0 ? '' : ` (${format.percent(n / q.answered)})`);
  const bar = (key: string, label: string, count: number): Bar => ({
    key,
    label,
    value: count,
    text: `${t('surveyResults.count', { count })}${share(count)}`,
  });
  return (
    <article className="card card--fits" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{q.label}</h3>
      <p className="muted small">
        {t(`surveyResults.type.${q.type}`)} · {t('surveyResults.answered', { count: q.answered, total: respondents })}
        {q.notComparable > 0 ? ` · ${t('surveyResults.notComparable', { count: q.notComparable })}` : ''}
      </p>
      {q.type === 'single_choice' || q.type === 'multiple_choice' ? (
        <BarChart id={id} bars={q.options.map((o) => bar(o.id, o.label, o.count))} />
      ) : q.type === 'yes_no' ? (
        <BarChart id={id} bars={[bar('yes', t('answers.yes'), q.yes), bar('no', t('answers.no'), q.no)]} />
      ) : q.type === 'number' ? (
        q.summary ? (
          <dl className="facts">
            {(['min', 'median', 'mean', 'max', 'sum'] as const).map((k) => (
              <div key={k}>
                <dt>{t(`surveyResults.stat.${k}`)}</dt>
                <dd>
                  <Quantity amount={q.summary![k]} unit={q.unit} />
                </dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="muted">{t('surveyResults.noAnswers')}</p>
        )
      ) : q.type === 'date' ? (
        q.earliest && q.latest ? (
          <p>{t('surveyResults.dateRange', { earliest: format.date(q.earliest), latest: format.date(q.latest) })}</p>
        ) : (
          <p className="muted">{t('surveyResults.noAnswers')}</p>
        )
      ) : (
        <p className="muted">{t('surveyResults.textAnswers')}</p>
      )}
    </article>
  );
}

/** The respondents a page at a time, each opened on request to its lines and answers. */
function RespondentList({ statementId, first }: { statementId: string; first: Respondents }) {
  const { t } = useTranslation();
  const [pages, setPages] = useState(first);
  const loadNext = async () => {
    if (!pages.nextCursor) return;
    const next = await getRespondents(statementId, pages.nextCursor);
    setPages((p) => ({ respondents: [...p.respondents, ...next.respondents], nextCursor: next.nextCursor }));
  };
  if (pages.respondents.length === 0) return <p className="muted">{t('surveyResults.noRespondents')}</p>;
  return (
    <>
      <ul className="card-list">
        {pages.respondents.map((r) => (
          <RespondentItem key={r.organisationId} statementId={statementId} respondent={r} />
        ))}
      </ul>
      {pages.nextCursor ? (
        <ShowMore loadNext={loadNext} label={t('surveyResults.showMore')} loadingLabel={t('common.loading')} />
      ) : null}
    </>
  );
}

function RespondentItem({ statementId, respondent: r }: { statementId: string; respondent: Respondent }) {
  const { t } = useTranslation();
  const format = useFormat();
  const headingId = useId();
  return (
    <li className="card card--fits">
      <h3 id={headingId}>{r.name}</h3>
      <p className="muted small">
        {format.country(r.country)} · {t(`participantStatus.${r.status}`)} ·{' '}
        {t('surveyResults.versionText', { version: r.version, count: r.lines })} ·{' '}
        {t('surveyResults.submittedAt', { time: format.dateTime(r.submittedAt) })}
      </p>
      <Disclosure label={t('surveyResults.open', { name: r.name })}>
        {() => <RespondentVersion statementId={statementId} respondent={r} headingId={headingId} />}
      </Disclosure>
    </li>
  );
}

/** The counted version of one respondent, read when the lead opens it (its lines may be many). */
function RespondentVersion({
  statementId,
  respondent,
  headingId,
}: {
  statementId: string;
  respondent: Respondent;
  headingId: string;
}) {
  const [state, setState] = useState<{ version?: NeedsVersion; problem?: ReturnType<typeof asProblem> }>({});
  useEffect(() => {
    let live = true;
    getNeeds(statementId, respondent.organisationId).then(
      (needs) => live && setState({ version: needs.versions.find((v) => v.id === respondent.versionId) }),
      (error: unknown) => live && setState({ problem: asProblem(error) }),
    );
    return () => {
      live = false;
    };
  }, [statementId, respondent.organisationId, respondent.versionId]);
  if (state.problem) return <ErrorSummary problem={state.problem} />;
  if (!state.version) return <Loading />;
  return <VersionDetails statementId={statementId} version={state.version} headingId={headingId} />;
}
