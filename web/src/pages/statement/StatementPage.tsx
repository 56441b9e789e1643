import { activeParticipantStatuses } from '@jointdemand/rules/stages';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';

import {
  allows,
  api,
  type ApiProblem,
  asProblem,
  call,
  type Me,
  type Statement,
  type ViewerAction,
} from '../../api/client';
import { useMe, useSession } from '../../auth/session';
import { Deadline } from '../../components/Deadline';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { type AggregationBlocked, RateBlockNotice } from '../../components/RateProblems';
import { StageProgress, StageTag } from '../../components/StageStepper';
import { StatusMessage } from '../../components/StatusMessage';
import { useFormat } from '../../i18n/format';
import { isTerminal } from '../../process/stages';
import { CpvName, useUnitText } from '../../reference/Words';
import { CancelPanel } from './actions/CancelPanel';
import { InvitationAnswerPanel } from './actions/InvitationAnswerPanel';
import { InvitePanel } from './actions/InvitePanel';
import { hasLinkPanel, LinkPanel, type LinkPanelKind, linkPanelKinds, needsLinksFor } from './actions/NeedsPanels';
import { OpenNeedsPanel } from './actions/OpenNeedsPanel';
import { ProcurementRoutePanel } from './actions/ProcurementRoutePanel';
import type { ActionMessage } from './actions/types';
import { formatCpv } from './cpv';
import { ParticipantsTable } from './ParticipantsTable';
import { type ProcessFailure, ProcessFailureNotice } from './ProcessFailureNotice';
import { ReadinessChecklist } from './ReadinessChecklist';

/** What the signed-in user may do: the actions the server allows it (`allowedActions`), never worked out here. */
export function statementActionsFor(statement: Statement, me: Me) {
  const isLead = statement.lead.id === me.organisation.id;
  const mine = statement.participants.find((p) => p.organisationId === me.organisation.id);
  return {
    isLead,
    mine,
    edit: allows(statement, 'edit'),
    invite: allows(statement, 'invite'),
    openNeeds: allows(statement, 'openNeedsAssessment'),
    cancel: allows(statement, 'cancel'),
    route: allows(statement, 'chooseProcurementRoute'),
    answer: allows(statement, 'answerInvitation'),
    audit: allows(statement, 'viewAudit'),
    needs: needsLinksFor(statement),
  };
}

/** The panels of the statement page, in the order they follow the next step. */
type PanelKey = 'answer' | LinkPanelKind | 'edit' | 'invite' | 'openNeeds' | 'route' | 'cancel';
const panelOrder: readonly PanelKey[] = ['answer', ...linkPanelKinds, 'edit', 'invite', 'openNeeds', 'route', 'cancel'];

function hasPanel(key: PanelKey, actions: ReturnType<typeof statementActionsFor>): boolean {
  switch (key) {
    case 'answer':
      return actions.answer;
    case 'edit':
      return actions.edit;
    case 'invite':
      return actions.invite;
    case 'openNeeds':
      return actions.openNeeds;
    case 'route':
      return actions.route;
    case 'cancel':
      return actions.cancel;
    default:
      return hasLinkPanel(key, actions.needs);
  }
}

/** The panel that holds the next step the server names (`nextStep`, domain/guidance.ts). */
function primaryPanelOf(step: ViewerAction | null): PanelKey | undefined {
  switch (step) {
    case 'answerInvitation':
      return 'answer';
    case 'saveNeeds':
    case 'confirmNeeds':
      return 'needs';
    case 'invite':
      return 'invite';
    case 'openNeedsAssessment':
      return 'openNeeds';
    case 'viewNeedsOverview':
      return 'overview';
    case 'retryAggregation':
    case 'viewAggregate':
    case 'decideShortfall':
      return 'demand';
    case 'answerSupplierQuestions':
    case 'viewMarket':
      return 'market';
    case 'approveStatement':
    case 'publishWithoutMissing':
    case 'viewStatementText':
      return 'approval';
    case 'startAgreement':
    case 'viewAgreement':
      return 'agreement';
    default:
      return undefined;
  }
}

export default function StatementPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const unitText = useUnitText();
  const me = useMe();
  const { sessionExpired } = useSession();
  const { statementId = '' } = useParams();
  const location = useLocation();
  const [statement, setStatement] = useState<Statement | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const flash = (location.state as { flash?: 'created' | 'edited' } | null)?.flash;
  const [message, setMessage] = useState<{ text: ActionMessage; n: number } | undefined>();
  const [failure, setFailure] = useState<ProcessFailure | null>(null);
  const [blocked, setBlocked] = useState<AggregationBlocked | null>(null);

  /**
   * A step the process took on its own that failed for good: only the lead and administrators
   * are shown it (the API gives it to nobody else), so nobody else asks. Not being able to read
   * it (the workflow busy, a network error) leaves the page as it is.
   */
  const loadFailure = useCallback(
    async (loaded: Statement) => {
      const mayAct = loaded.lead.id === me.organisation.id || me.user.isAdmin;
      // A blocked aggregation (a missing or stale exchange rate) is shown to everyone who follows
      // the aggregate: the API gives it to the lead, the buyers, Commission staff and administrators.
      const aggregating = loaded.stage === 'aggregation';
      if ((!mayAct && !aggregating) || isTerminal(loaded.stage)) {
        setBlocked(null);
        return setFailure(null);
      }
      try {
        const live = await call(
          api.GET('/api/statements/{statementId}/live', { params: { path: { statementId: loaded.id } } }),
        );
        setFailure(live.processFailure ?? null);
        setBlocked(live.aggregationBlocked ?? null);
      } catch {
        // The statement itself loaded; the failure shows on the next visit.
      }
    },
    [me.organisation.id, me.user.isAdmin],
  );

  const load = useCallback(async () => {
    try {
      const loaded = await call(api.GET('/api/statements/{statementId}', { params: { path: { statementId } } }));
      setStatement(loaded);
      setProblem(undefined);
      void loadFailure(loaded);
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
    }
  }, [statementId, sessionExpired, loadFailure]);

  useEffect(() => {
    setStatement(undefined);
    setFailure(null);
    void load();
  }, [load]);

  const onDone = useCallback(
    (updated: Statement, text: ActionMessage) => {
      setStatement(updated);
      setMessage((m) => ({ text, n: (m?.n ?? 0) + 1 }));
      void loadFailure(updated);
    },
    [loadFailure],
  );

  const retried = useCallback(
    async (text: string) => {
      await load();
      setMessage((m) => ({ text: () => text, n: (m?.n ?? 0) + 1 }));
    },
    [load],
  );

  const actions = statement ? statementActionsFor(statement, me) : undefined;
  const hasActions =
    actions &&
    (actions.edit ||
      actions.invite ||
      actions.openNeeds ||
      actions.cancel ||
      actions.route ||
      actions.answer ||
      Object.values(actions.needs).some(Boolean));

  return (
    <>
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to="/statements">{t('nav.statements')}</Link>
      </nav>
      <PageHeading documentTitle={statement?.title ?? t('statement.title')}>
        {statement?.title ?? (problem ? t('statement.title') : t('common.loading'))}
      </PageHeading>
      {flash && !message ? (
        <StatusMessage>{t(flash === 'created' ? 'statement.flashCreated' : 'statement.flashEdited')}</StatusMessage>
      ) : null}
      <ErrorSummary problem={problem} />
      {!statement && !problem ? <Loading /> : null}
      {statement && statement.scheduleWarnings.length > 0 ? (
        <section className="notice notice--warning" aria-labelledby="schedule-warnings-heading">
          <h2 id="schedule-warnings-heading">{t('statement.scheduleWarnings.title')}</h2>
          <ul>
            {statement.scheduleWarnings.map((w) => (
              <li key={w.code}>
                {w.code === 'procurementStartsBeforeStagesEnd'
                  ? t('statement.scheduleWarnings.procurementStartsBeforeStagesEnd', { date: format.date(w.limit) })
                  : w.code === 'deliveryStartsInPastYear'
                    ? t('statement.scheduleWarnings.deliveryStartsInPastYear', { year: w.limit })
                    : t('statement.scheduleWarnings.deliveryStartsBeforeProcurement', { year: w.limit })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {statement && actions ? (
        <>
          <div className="statement-head">
            <StageTag stage={statement.stage} />
            <span>
              {t('statement.ledBy', { lead: statement.lead.name, country: format.country(statement.lead.country) })}
            </span>
            {actions.isLead ? <span className="tag tag--neutral">{t('statements.youLead')}</span> : null}
          </div>

          <StageProgress stage={statement.stage} />

          {failure ? (
            <ProcessFailureNotice
              statementId={statement.id}
              stage={statement.stage}
              failure={failure}
              isLead={actions.isLead}
              cancelHref="#cancel-heading"
              onRetried={retried}
            />
          ) : null}

          {blocked ? (
            <RateBlockNotice
              statementId={statement.id}
              blocked={blocked}
              canRetry={allows(statement, 'retryAggregation')}
              onSettled={(_live, done) => (done ? retried(done) : load())}
            />
          ) : null}

          {statement.stage === 'cancelled' && statement.cancelReason ? (
            <div className="notice notice--ended">
              <h2 className="notice__title">{t('statement.cancelledTitle')}</h2>
              <p>{t('statement.cancelReason', { reason: statement.cancelReason })}</p>
            </div>
          ) : null}

          <dl className="key-facts">
            <div>
              <dt>{t('statement.stage')}</dt>
              <dd>{t(`stage.${statement.stage}`)}</dd>
            </div>
            <div>
              <dt>{t('statement.deadline')}</dt>
              <dd>
                <Deadline at={statement.stageDeadline} />
              </dd>
            </div>
            <div>
              <dt>{t('statement.lead')}</dt>
              <dd>{statement.lead.name}</dd>
            </div>
            <div>
              <dt>{t('statement.participantsCount')}</dt>
              <dd>
                {t('statement.participantsSummary', {
                  count: statement.participants.length,
                  joined: format.number(
                    statement.participants.filter((p) => activeParticipantStatuses.includes(p.status)).length,
                  ),
                })}
              </dd>
            </div>
            {actions.mine ? (
              <div>
                <dt>{t('statement.yourStatus')}</dt>
                <dd>
                  {t(`participantStatus.${actions.mine.status}`)}
                  {actions.mine.leaving ? (
                    <span className="key-facts__note" data-testid="my-leaving">
                      {' '}
                      {t(`leaving.long.${actions.mine.leaving}`)}
                    </span>
                  ) : null}
                </dd>
              </div>
            ) : null}
          </dl>

          <section aria-labelledby="actions-heading" className="section actions">
            <h2 id="actions-heading">{t('actions.title')}</h2>
            <StatusMessage focus key={message?.n}>
              {message?.text(t, format)}
            </StatusMessage>
            {!hasActions ? <p className="muted">{t('actions.none')}</p> : null}
            {(() => {
              // The stage's next step first, as the one primary action; the rest after it, secondary.
              const shown = panelOrder.filter((k) => hasPanel(k, actions));
              const primary = primaryPanelOf(statement.nextStep);
              const first = primary && shown.includes(primary) ? primary : undefined;
              const panel = (k: PanelKey) => {
                const isPrimary = k === first;
                switch (k) {
                  case 'answer':
                    return <InvitationAnswerPanel key={k} statement={statement} onDone={onDone} />;
                  case 'edit':
                    return (
                      <section key={k} className="action-panel" aria-labelledby="edit-heading">
                        <h3 id="edit-heading">{t('actions.edit.title')}</h3>
                        <p>{t('actions.edit.intro')}</p>
                        <Link className="button button--secondary" to={`/statements/${statement.id}/edit`}>
                          {t('actions.edit.link')}
                        </Link>
                      </section>
                    );
                  case 'invite':
                    return <InvitePanel key={k} statement={statement} onDone={onDone} primary={isPrimary} />;
                  case 'openNeeds':
                    return <OpenNeedsPanel key={k} statement={statement} onDone={onDone} primary={isPrimary} />;
                  case 'route':
                    return <ProcurementRoutePanel key={k} statement={statement} onDone={onDone} primary={isPrimary} />;
                  case 'cancel':
                    return <CancelPanel key={k} statement={statement} onDone={onDone} />;
                  default:
                    return (
                      <LinkPanel key={k} kind={k} statement={statement} links={actions.needs} primary={isPrimary} />
                    );
                }
              };
              const others = shown.filter((k) => k !== first);
              return (
                <>
                  {first ? (
                    <div className="next-step" data-testid="next-step">
                      <p className="next-step__label">{t('guidance.nextStep')}</p>
                      {panel(first)}
                    </div>
                  ) : null}
                  {statement.readiness ? (
                    <ReadinessChecklist readiness={statement.readiness} statementId={statement.id} />
                  ) : null}
                  {others.length > 0 ? (
                    <div className="other-actions" data-testid="other-actions">
                      {first ? <h3 className="other-actions__title">{t('guidance.otherActions')}</h3> : null}
                      {others.map(panel)}
                    </div>
                  ) : null}
                </>
              );
            })()}
          </section>

          <section aria-labelledby="participants-heading" className="section">
            <h2 id="participants-heading">{t('participants.title')}</h2>
            <ParticipantsTable participants={statement.participants} myOrganisationId={me.organisation.id} />
          </section>

          {actions.audit ? (
            <p>
              <Link to={`/statements/${statement.id}/audit`}>{t('audit.link')}</Link>
            </p>
          ) : null}

          <section aria-labelledby="subject-heading" className="section">
            <h2 id="subject-heading">{t('statement.subject')}</h2>
            <p className="prose">{statement.description}</p>
            <h3>{t('statement.cpvCodes')}</h3>
            <ul className="code-list">
              {statement.cpvCodes.map((c) => (
                <li key={c}>
                  <CpvName code={c} />
                </li>
              ))}
            </ul>
          </section>

          <div className="two-columns">
            <section aria-labelledby="schedule-heading" className="section">
              <h2 id="schedule-heading">{t('statement.schedule')}</h2>
              <dl className="facts">
                {(['needsAssessment', 'confirmation', 'marketEngagement', 'approval', 'signature'] as const).map(
                  (k) => (
                    <div key={k}>
                      <dt>{t(`statementForm.durations.${k}`)}</dt>
                      <dd>{format.duration(statement.schedule[k])}</dd>
                    </div>
                  ),
                )}
                <div>
                  <dt>{t('statementForm.reminders')}</dt>
                  <dd>
                    {statement.schedule.reminderOffsets.length > 0
                      ? t('statement.remindersBefore', {
                          list: format.list(statement.schedule.reminderOffsets.map(format.duration)),
                        })
                      : t('statement.noReminders')}
                  </dd>
                </div>
                <div>
                  <dt>{t('statementForm.deliveryHorizon')}</dt>
                  <dd>
                    {t('statement.yearRange', {
                      from: format.year(statement.schedule.deliveryFromYear),
                      to: format.year(statement.schedule.deliveryToYear),
                    })}
                  </dd>
                </div>
                <div>
                  <dt>{t('statementForm.expectedProcurementStart')}</dt>
                  <dd>{format.date(statement.schedule.expectedProcurementStart)}</dd>
                </div>
              </dl>
            </section>

            <section aria-labelledby="mass-heading" className="section">
              <h2 id="mass-heading">{t('statement.criticalMass')}</h2>
              <dl className="facts">
                <div>
                  <dt>{t('statementForm.minBuyers')}</dt>
                  <dd>
                    {statement.criticalMass.minBuyers !== undefined
                      ? format.number(statement.criticalMass.minBuyers)
                      : t('statement.noRule')}
                  </dd>
                </div>
                <div>
                  <dt>{t('statementForm.minCountries')}</dt>
                  <dd>
                    {statement.criticalMass.minCountries !== undefined
                      ? format.number(statement.criticalMass.minCountries)
                      : t('statement.noRule')}
                  </dd>
                </div>
                <div>
                  <dt>{t('statementForm.minTotalValueEur')}</dt>
                  <dd>
                    {statement.criticalMass.minTotalValueEur !== undefined
                      ? format.amount(statement.criticalMass.minTotalValueEur, 'EUR')
                      : t('statement.noRule')}
                  </dd>
                </div>
              </dl>
              {statement.criticalMass.minQuantityPerCpv.length > 0 ? (
                <>
                  <h3>{t('statementForm.quantityRules')}</h3>
                  <ul className="plain-list">
                    {statement.criticalMass.minQuantityPerCpv.map((r, i) => (
                      <li key={i}>
                        {t('statement.quantityRuleText', {
                          cpv: formatCpv(r.cpvCode),
                          quantity: format.number(r.minQuantity),
                          unit: unitText(r.unit, r.minQuantity),
                        })}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          </div>

          <p className="muted small">
            {t('statement.versionInfo', {
              version: format.number(statement.detailsVersion),
              created: format.dateTime(statement.createdAt),
              updated: format.dateTime(statement.updatedAt),
            })}
          </p>
        </>
      ) : null}
    </>
  );
}
