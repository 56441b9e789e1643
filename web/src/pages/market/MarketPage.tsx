import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, asProblem, call, type Me, type Schemas, type Statement } from '../../api/client';
import { useMe } from '../../auth/session';
import { StageProgress } from '../../components/StageStepper';
import { StatusMessage } from '../../components/StatusMessage';
import { useFormat } from '../../i18n/format';
import { getStatement, useDoneMessage, useLoad } from '../needs/load';
import { ExtendDeadlinePanel } from '../statement/actions/ExtendDeadlinePanel';
import { CloseConsultationPanel } from './CloseConsultationPanel';
import { MarketSummary } from './MarketSummary';
import { NameConsentPanel } from './NameConsentPanel';
import { ResponsesSection } from './ResponsesSection';
import { RfiEditor } from './RfiEditor';
import { SupplierQuestionsSection } from './SupplierQuestionsSection';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { Deadline } from '../../components/Deadline';

/** Stages in which the lead may still change the request for information (domain rule, services/consultation). */
const rfiStages: readonly string[] = ['draft', 'needs_assessment', 'confirmation', 'aggregation', 'shortfall', 'market_engagement'];
/** Stages from which suppliers have seen the consultation. */
const consultedStages: readonly string[] = ['market_engagement', 'approval', 'published'];
/** Stages that have a market summary (stored when the consultation closed). */
const summarisedStages: readonly string[] = ['approval', 'published'];

/** What the signed-in organisation may do and see on this page; the server enforces the same rules. */
export function marketAccessFor(statement: Statement, me: Me) {
  const isLead = statement.lead.id === me.organisation.id;
  const mine = statement.participants.find((p) => p.organisationId === me.organisation.id);
  const takesPart = isLead || Boolean(mine && ['joined', 'submitted', 'confirmed'].includes(mine.status));
  const oversees = isLead || me.organisation.kind === 'commission' || me.user.isAdmin;
  return {
    isLead,
    editRfi: isLead && rfiStages.includes(statement.stage),
    // An organisation that declined, withdrew or dropped out decides nothing more on the statement.
    consentToNaming: me.organisation.kind === 'buyer' && (isLead || Boolean(mine && !['declined', 'withdrawn', 'dropped'].includes(mine.status))) && rfiStages.includes(statement.stage),
    followSuppliers: oversees && consultedStages.includes(statement.stage),
    answerQuestions: isLead && statement.stage === 'market_engagement',
    manage: isLead && statement.stage === 'market_engagement',
    summary: (takesPart || oversees) && summarisedStages.includes(statement.stage),
  };
}

type Loaded = {
  statement: Statement;
  rfi: Schemas['RequestForInformationView'];
  consent: Schemas['NameConsent'] | null;
  responses: Schemas['ConsultationResponse'][];
  questions: Schemas['SupplierQuestionView'][];
  summary: Schemas['MarketSummary'] | null;
};

/**
 * The market consultation of one statement (Directive 2014/24/EU Art. 40-41): the lead sets
 * the request for information, follows suppliers' responses and questions, answers them (the
 * answers are published to every supplier), extends or closes the consultation, and reads the
 * market summary; participating buyers decide whether they are named on the public page.
 */
export default function MarketPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { statementId = '' } = useParams();
  const load = useCallback(async (): Promise<Loaded> => {
    const statement = await getStatement(statementId);
    const access = marketAccessFor(statement, me);
    const path = { params: { path: { statementId } } };
    const [rfi, consent, responses, questions, summary] = await Promise.all([
      call(api.GET('/api/statements/{statementId}/consultation/rfi', path)),
      access.consentToNaming ? call(api.GET('/api/statements/{statementId}/consultation/name-consent', path)) : null,
      access.followSuppliers ? call(api.GET('/api/statements/{statementId}/consultation/responses', path)) : [],
      access.followSuppliers ? call(api.GET('/api/statements/{statementId}/consultation/questions', path)) : [],
      access.summary ? call(api.GET('/api/statements/{statementId}/market-summary', path)).catch(notFoundAsNull) : null,
    ]);
    return { statement, rfi, consent, responses, questions, summary };
  }, [statementId, me]);
  const { data, problem, reload } = useLoad(load);
  const { message, done } = useDoneMessage(reload);

  const statement = data?.statement;
  const access = statement ? marketAccessFor(statement, me) : undefined;

  return (
    <>
      <StatementSubpageHeading title={t('market.title')} statement={statement} problem={problem} loading={!data && !problem} />

      {data && statement && access ? (
        <>
          <StageProgress stage={statement.stage} />
          <p className="lead">{t('market.intro')}</p>
          <dl className="key-facts">
            <div>
              <dt>{t('statement.stage')}</dt>
              <dd data-testid="market-stage">{t(`stage.${statement.stage}`)}</dd>
            </div>
            {statement.stage === 'market_engagement' ? (
              <div>
                <dt>{t('market.closes')}</dt>
                <dd>
                  <Deadline at={statement.stageDeadline} />
                </dd>
              </div>
            ) : null}
            {access.followSuppliers ? (
              <>
                <div>
                  <dt>{t('market.responses.title')}</dt>
                  <dd data-testid="response-count">{format.number(data.responses.length)}</dd>
                </div>
                <div>
                  <dt>{t('market.questions.title')}</dt>
                  <dd>
                    {t('market.questions.count', {
                      count: data.questions.length,
                      unanswered: format.number(data.questions.filter((q) => q.answer === null).length),
                    })}
                  </dd>
                </div>
              </>
            ) : null}
          </dl>
          {consultedStages.includes(statement.stage) ? (
            <p>
              <Link to={`/consultations/${statement.id}`}>{t('market.publicPage')}</Link>
            </p>
          ) : null}

          <StatusMessage focus key={message?.n}>
            {message?.text}
          </StatusMessage>

          {access.manage ? (
            <section aria-labelledby="manage-heading" className="section actions">
              <h2 id="manage-heading">{t('market.manageTitle')}</h2>
              {statement.stageDeadline ? <ExtendDeadlinePanel statementId={statement.id} deadline={statement.stageDeadline} onDone={done} /> : null}
              <CloseConsultationPanel statementId={statement.id} responses={data.responses.length} unanswered={data.questions.filter((q) => q.answer === null).length} onDone={done} />
            </section>
          ) : null}

          {data.summary ? <MarketSummary summary={data.summary} /> : null}
          {summarisedStages.includes(statement.stage) && access.summary ? (
            <p>
              <Link to={`/statements/${statement.id}/approval`}>{t('actions.approval.link')}</Link>
            </p>
          ) : null}

          {access.followSuppliers ? (
            <SupplierQuestionsSection statementId={statement.id} questions={data.questions} canAnswer={access.answerQuestions} onDone={done} />
          ) : null}

          {access.editRfi ? (
            <RfiEditor statementId={statement.id} rfi={data.rfi} onDone={done} />
          ) : (
            <section aria-labelledby="rfi-heading" className="section">
              <h2 id="rfi-heading">{t('market.rfi.title')}</h2>
              {data.rfi.questions.length === 0 ? (
                <p className="muted">{t('market.rfi.none')}</p>
              ) : (
                <ol>
                  {data.rfi.questions.map((q) => (
                    <li key={q.id}>{q.text}</li>
                  ))}
                </ol>
              )}
            </section>
          )}

          {access.followSuppliers ? <ResponsesSection responses={data.responses} rfi={data.rfi} /> : null}

          {access.consentToNaming && data.consent ? <NameConsentPanel statementId={statement.id} consent={data.consent} onDone={done} /> : null}

          <p>
            <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}

/** A missing summary (the consultation closed before summaries were kept) shows as none. */
function notFoundAsNull(error: unknown): null {
  if (asProblem(error).status === 404) return null;
  throw error;
}
