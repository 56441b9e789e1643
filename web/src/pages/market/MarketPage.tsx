import { consultationPublicIn } from '@jointdemand/rules/consultation';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { allows, api, asProblem, call, type Schemas, type Statement, type ViewerAction } from '../../api/client';
import { Deadline } from '../../components/Deadline';
import { StageProgress } from '../../components/StageStepper';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { useFormat } from '../../i18n/format';
import { getStatement, useDoneMessage, useLoad } from '../needs/load';
import { ExtendDeadlinePanel } from '../statement/actions/ExtendDeadlinePanel';
import { CloseConsultationPanel } from './CloseConsultationPanel';
import { CompareResponsesSection } from './CompareResponsesSection';
import { EformsNoticePanel } from './EformsNoticePanel';
import { MarketSummary } from './MarketSummary';
import { NameConsentPanel } from './NameConsentPanel';
import { ResponsesSection } from './ResponsesSection';
import { RfiEditor } from './RfiEditor';
import { SupplierQuestionsSection } from './SupplierQuestionsSection';

/** What the signed-in organisation may do and see on this page: as the server allows it (`allowedActions`). */
export function marketAccessFor(statement: Statement) {
  const may = (action: ViewerAction) => allows(statement, action);
  return {
    editRfi: may('setRequestForInformation'),
    consentToNaming: may('consentToNaming'),
    followSuppliers: may('followSuppliers'),
    /**
     * Comparing suppliers' answers is the lead's alone (the server's manageConsultation): of those
     * who follow the suppliers (the lead, Commission staff, administrators) only the lead also
     * reads what others answered to its own questions, as it reads its survey's results.
     */
    compareResponses: may('followSuppliers') && may('viewSurveyResults'),
    answerQuestions: may('answerSupplierQuestions'),
    /** The eForms E1 notice for TED: the server allows it by the same rule (the lead, while the consultation runs). */
    downloadNotice: may('answerSupplierQuestions'),
    /** Running the consultation: extending it and closing it early. */
    manage: may('answerSupplierQuestions') && (may('extendDeadline') || may('closeStage')),
    extend: may('extendDeadline'),
    close: may('closeStage'),
    /** The market summary, stored when the consultation closed, is read with the statement text. */
    summary: may('viewStatementText'),
  };
}

type Loaded = {
  statement: Statement;
  rfi: Schemas['RequestForInformationView'];
  consent: Schemas['NameConsent'] | null;
  responses: Schemas['ConsultationResponse'][];
  compared: Schemas['SupplierResponsesCompared'] | null;
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
  const { statementId = '' } = useParams();
  const load = useCallback(async (): Promise<Loaded> => {
    const statement = await getStatement(statementId);
    const access = marketAccessFor(statement);
    const path = { params: { path: { statementId } } };
    const [rfi, consent, responses, compared, questions, summary] = await Promise.all([
      call(api.GET('/api/statements/{statementId}/consultation/rfi', path)),
      access.consentToNaming ? call(api.GET('/api/statements/{statementId}/consultation/name-consent', path)) : null,
      access.followSuppliers ? call(api.GET('/api/statements/{statementId}/consultation/responses', path)) : [],
      access.compareResponses ? call(api.GET('/api/statements/{statementId}/market/responses', path)) : null,
      access.followSuppliers ? call(api.GET('/api/statements/{statementId}/consultation/questions', path)) : [],
      access.summary ? call(api.GET('/api/statements/{statementId}/market-summary', path)).catch(notFoundAsNull) : null,
    ]);
    return { statement, rfi, consent, responses, compared, questions, summary };
  }, [statementId]);
  const { data, problem, reload } = useLoad(load);
  const { message, done } = useDoneMessage(reload);

  const statement = data?.statement;
  const access = statement ? marketAccessFor(statement) : undefined;

  return (
    <>
      <StatementSubpageHeading
        title={t('market.title')}
        statement={statement}
        problem={problem}
        loading={!data && !problem}
      />

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
          {consultationPublicIn.includes(statement.stage) ? (
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
              {access.extend && statement.stageDeadline ? (
                <ExtendDeadlinePanel statementId={statement.id} deadline={statement.stageDeadline} onDone={done} />
              ) : null}
              {access.close ? (
                <CloseConsultationPanel
                  statementId={statement.id}
                  responses={data.responses.length}
                  unanswered={data.questions.filter((q) => q.answer === null).length}
                  onDone={done}
                />
              ) : null}
            </section>
          ) : null}

          {access.downloadNotice ? <EformsNoticePanel statementId={statement.id} /> : null}

          {data.summary ? <MarketSummary summary={data.summary} /> : null}
          {access.summary ? (
            <p>
              <Link to={`/statements/${statement.id}/approval`}>{t('actions.approval.link')}</Link>
            </p>
          ) : null}

          {access.followSuppliers ? (
            <SupplierQuestionsSection
              statementId={statement.id}
              questions={data.questions}
              canAnswer={access.answerQuestions}
              onDone={done}
            />
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

          {data.compared ? <CompareResponsesSection statementId={statement.id} compared={data.compared} /> : null}

          {access.followSuppliers ? <ResponsesSection responses={data.responses} rfi={data.rfi} /> : null}

          {access.consentToNaming && data.consent ? (
            <NameConsentPanel statementId={statement.id} consent={data.consent} onDone={done} />
          ) : null}

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
