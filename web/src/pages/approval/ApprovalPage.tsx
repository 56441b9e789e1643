import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, asProblem, call, type Schemas, type Statement } from '../../api/client';
import { useMe } from '../../auth/session';
import { Deadline } from '../../components/Deadline';
import { StageProgress } from '../../components/StageStepper';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { useFormat } from '../../i18n/format';
import { getStatement, useDoneMessage, useLoad } from '../needs/load';
import { ExtendDeadlinePanel } from '../statement/actions/ExtendDeadlinePanel';
import { ApprovalDecisionForm } from './ApprovalDecisionForm';
import { ApproversTable } from './ApproversTable';
import { ProceedPanel } from './ProceedPanel';
import { ReviseTextForm } from './ReviseTextForm';
import { SignatoriesSection } from './SignatoriesSection';

type Loaded = {
  statement: Statement;
  text: Schemas['StatementText'] | null;
  signatories: Schemas['Signatories'] | null;
};

/**
 * The statement text and its approval: every buyer that confirmed its needs approves the
 * current version or asks for changes with a comment; the lead revises the text (a new version
 * that needs every approval again), follows who has decided, and after the deadline may publish
 * without those missing. Once published: the signatories, and the lead's answer to buyers
 * asking to sign late.
 */
export default function ApprovalPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { statementId = '' } = useParams();
  const load = useCallback(async (): Promise<Loaded> => {
    const path = { params: { path: { statementId } } };
    const statement = await getStatement(statementId);
    const [text, signatories] = await Promise.all([
      call(api.GET('/api/statements/{statementId}/text', path)).catch((error: unknown) => {
        // Before the consultation closes there is no text yet.
        if (asProblem(error).status === 404) return null;
        throw error;
      }),
      statement.stage === 'published' ? call(api.GET('/api/statements/{statementId}/signatories', path)) : null,
    ]);
    return { statement, text, signatories };
  }, [statementId]);
  const { data, problem, reload } = useLoad(load);
  const { message, done } = useDoneMessage(reload);

  const statement = data?.statement;
  const text = data?.text;
  const isLead = statement?.lead.id === me.organisation.id;
  const inApproval = statement?.stage === 'approval';
  const myApproval = text?.approvers.find((a) => a.organisationId === me.organisation.id);
  const deadlinePassed = Boolean(statement?.stageDeadline && Date.parse(statement.stageDeadline) <= Date.now());

  return (
    <>
      <StatementSubpageHeading
        title={t('approval.title')}
        statement={statement}
        problem={problem}
        loading={!data && !problem}
      />

      {data && statement ? (
        <>
          <StageProgress stage={statement.stage} />
          <StatusMessage focus key={message?.n}>
            {message?.text}
          </StatusMessage>

          {!text ? (
            <p className="notice notice--info">{t('approval.notYet')}</p>
          ) : (
            <>
              <dl className="key-facts">
                <div>
                  <dt>{t('statement.stage')}</dt>
                  <dd data-testid="approval-stage">{t(`stage.${statement.stage}`)}</dd>
                </div>
                <div>
                  <dt>{t('approval.currentVersion')}</dt>
                  <dd data-testid="text-version">{format.number(text.version)}</dd>
                </div>
                {inApproval ? (
                  <div>
                    <dt>{t('statement.deadline')}</dt>
                    <dd>
                      <Deadline at={statement.stageDeadline} />
                    </dd>
                  </div>
                ) : null}
                <div>
                  <dt>{t('approval.approvedCount')}</dt>
                  <dd>
                    {t('approval.approvedOf', {
                      approved: format.number(text.approvers.filter((a) => a.decision === 'approved').length),
                      count: text.approvers.length,
                    })}
                  </dd>
                </div>
              </dl>

              {statement.stage === 'published' ? (
                <div className="notice notice--success">
                  <p>{t('approval.published')}</p>
                  <Link to={`/published/${statement.id}`}>{t('approval.publishedLink')}</Link>
                </div>
              ) : null}

              <section aria-labelledby="text-heading" className="section">
                <h2 id="text-heading">{t('approval.text', { version: format.number(text.version) })}</h2>
                <div className="statement-text" data-testid="statement-text">
                  {text.text}
                </div>
                <p className="muted small">
                  {t('approval.versionInfo', { date: format.dateTime(text.createdAt) })}{' '}
                  <Link to={`/statements/${statement.id}/market`}>{t('approval.summaryLink')}</Link>
                </p>
              </section>

              {inApproval && myApproval ? (
                <ApprovalDecisionForm
                  statementId={statement.id}
                  version={text.version}
                  current={myApproval.decision}
                  onDone={done}
                />
              ) : null}

              <ApproversTable text={text} myOrganisationId={me.organisation.id} />

              {inApproval && isLead ? (
                <section aria-labelledby="lead-heading" className="section actions">
                  <h2 id="lead-heading">{t('approval.leadTitle')}</h2>
                  <ReviseTextForm statementId={statement.id} text={text} onDone={done} />
                  {statement.stageDeadline && !deadlinePassed ? (
                    <ExtendDeadlinePanel statementId={statement.id} deadline={statement.stageDeadline} onDone={done} />
                  ) : null}
                  {deadlinePassed ? <ProceedPanel statementId={statement.id} text={text} onDone={done} /> : null}
                </section>
              ) : null}

              {data.signatories ? (
                <SignatoriesSection
                  statementId={statement.id}
                  signatories={data.signatories}
                  isLead={isLead}
                  onDone={done}
                />
              ) : null}

              <DecisionHistory decisions={text.decisions} />
            </>
          )}
          <p>
            <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}

function DecisionHistory({ decisions }: { decisions: Schemas['StatementText']['decisions'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="history-heading" className="section">
      <h2 id="history-heading">{t('approval.history.title')}</h2>
      {decisions.length === 0 ? (
        <p className="muted">{t('approval.history.none')}</p>
      ) : (
        <ol className="card-list" reversed>
          {[...decisions].reverse().map((d) => (
            <li key={`${d.version}-${d.organisationId}-${d.at}`} className="card">
              <p>
                <strong>{d.name}</strong> · {t(`approval.decision.${d.decision}`)} ·{' '}
                {t('approval.history.version', { version: format.number(d.version) })}
              </p>
              {d.comment ? <p className="prose">{d.comment}</p> : null}
              <p className="muted small">{format.dateTime(d.at)}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
