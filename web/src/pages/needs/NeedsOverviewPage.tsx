import { awaitingInStage } from '@jointdemand/rules/stages';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { allows, api, type ApiProblem, asProblem, call, type Stage, type Statement } from '../../api/client';
import { useMe, useSession } from '../../auth/session';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { ScrollableTable } from '../../components/ScrollableTable';
import { ShowMore } from '../../components/ShowMore';
import { StageProgress } from '../../components/StageStepper';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import type en from '../../i18n/en.json';
import { useFormat } from '../../i18n/format';
import { ExtendDeadlinePanel } from '../statement/actions/ExtendDeadlinePanel';
import { getOverview, getStatement, type NeedsOverview, useDoneMessage, useLoad } from './load';

/** Who still has to act in a stage: those the server reminds (`@jointdemand/rules/stages`). */
const awaiting: Partial<Record<string, readonly string[]>> = awaitingInStage;

/** How many of those still to act the close confirmation names (the rest are counted). */
const waitingNamed = 20;

/** The stages whose participants this page follows (someone still has to act in them), as its texts name them. */
type FollowedStage = keyof (typeof en)['overview']['close']['title'];
const followsStage = (stage: Stage): stage is FollowedStage => awaitingInStage[stage] !== undefined;

/**
 * The lead buyer follows who has done what in the needs assessment and the confirmation:
 * each participant's status, draft, latest version and dates, against the stage's deadline
 * and the time left; extends the deadline, or closes the stage early after a confirmation step.
 */
export default function NeedsOverviewPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { statementId = '' } = useParams();
  const load = useCallback(async () => {
    const [statement, overview] = await Promise.all([getStatement(statementId), getOverview(statementId)]);
    // Who would drop out if the stage closed now, named in the confirmation step (the first few).
    const statuses = awaiting[overview.stage];
    const waiting = statuses ? await getOverview(statementId, { statuses, limit: waitingNamed }) : undefined;
    return { statement, overview, waiting, at: new Date().toISOString() };
  }, [statementId]);
  const { data, problem: loadProblem, reload } = useLoad(load);
  const { message, done } = useDoneMessage(reload);
  const [, setTick] = useState(0);

  // The time left is re-read every half minute.
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 30_000);
    return () => clearInterval(timer);
  }, []);

  const statement = data?.statement;
  const overview = data?.overview;
  // The lead's deadline controls, as the server allows them; this page closes only the stages whose participants it follows.
  const extendable = Boolean(statement && allows(statement, 'extendDeadline'));
  const closable =
    statement && overview && allows(statement, 'closeStage') && followsStage(overview.stage)
      ? overview.stage
      : undefined;

  return (
    <>
      <StatementSubpageHeading
        title={t('overview.title')}
        statement={statement}
        problem={loadProblem}
        loading={!data && !loadProblem}
      />

      {statement && overview ? (
        <>
          <StageProgress stage={overview.stage} />

          <dl className="key-facts">
            <div>
              <dt>{t('statement.stage')}</dt>
              <dd data-testid="overview-stage">{t(`stage.${overview.stage}`)}</dd>
            </div>
            <div>
              <dt>{t('statement.deadline')}</dt>
              <dd>
                {overview.deadline ? (
                  <>
                    <time dateTime={overview.deadline}>{format.dateTime(overview.deadline)}</time>
                    <span className="muted">
                      {' '}
                      (
                      {Date.parse(overview.deadline) > Date.now()
                        ? t('overview.timeLeft', { relative: format.relative(overview.deadline) })
                        : t('overview.deadlinePassed', { relative: format.relative(overview.deadline) })}
                      )
                    </span>
                  </>
                ) : (
                  t('statement.noDeadline')
                )}
              </dd>
            </div>
            <div>
              <dt>{t('overview.counts')}</dt>
              <dd>
                <Counts overview={overview} />
              </dd>
            </div>
          </dl>

          <StatusMessage focus key={message?.n}>
            {message?.text}
          </StatusMessage>

          <section aria-labelledby="who-heading" className="section">
            <div className="section__head">
              <h2 id="who-heading">{t('overview.whoTitle')}</h2>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => void done(t('overview.refreshed'))}
              >
                {t('overview.refresh')}
              </button>
            </div>
            <p className="muted small">{t('overview.updatedAt', { time: format.dateTime(data.at) })}</p>
            <ParticipantsOverview
              key={data.at}
              statementId={statement.id}
              overview={overview}
              myOrganisationId={me.organisation.id}
            />
          </section>

          {(extendable || closable) && overview.deadline ? (
            <section aria-labelledby="manage-heading" className="section actions">
              <h2 id="manage-heading">{t('overview.manageTitle')}</h2>
              {extendable ? (
                <ExtendDeadlinePanel statementId={statement.id} deadline={overview.deadline} onDone={done} />
              ) : null}
              {closable ? (
                <CloseStagePanel statement={statement} stage={closable} waiting={data.waiting} onDone={done} />
              ) : null}
            </section>
          ) : null}
          <p>
            <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
          </p>
        </>
      ) : null}
    </>
  );
}

function Counts({ overview }: { overview: NeedsOverview }) {
  const { t } = useTranslation();
  const byStatus: Partial<Record<string, number>> = overview.counts.byStatus;
  const count = (statuses: readonly string[]) => statuses.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
  return (
    <>
      {t('overview.countsText', {
        count: overview.counts.total,
        submitted: count(['submitted']),
        confirmed: count(['confirmed']),
        waiting: count(awaiting[overview.stage] ?? []),
      })}
    </>
  );
}

/** The participants a page at a time (a statement may have thousands): the first page, then more on request. */
function ParticipantsOverview({
  statementId,
  overview,
  myOrganisationId,
}: {
  statementId: string;
  overview: NeedsOverview;
  myOrganisationId: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const waiting = awaiting[overview.stage] ?? [];
  const [pages, setPages] = useState({ participants: overview.participants, nextCursor: overview.nextCursor });
  const loadNext = async () => {
    if (!pages.nextCursor) return;
    const next = await getOverview(statementId, { cursor: pages.nextCursor });
    setPages((p) => ({ participants: [...p.participants, ...next.participants], nextCursor: next.nextCursor }));
  };
  if (pages.participants.length === 0) return <p className="muted">{t('participants.none')}</p>;
  return (
    <>
      <ScrollableTable labelledBy="who-heading">
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">{t('participants.organisation')}</th>
              <th scope="col">{t('participants.country')}</th>
              <th scope="col">{t('participants.status')}</th>
              <th scope="col">{t('overview.draftSaved')}</th>
              <th scope="col">{t('overview.latestVersion')}</th>
              <th scope="col">{t('overview.submitted')}</th>
              <th scope="col">{t('overview.confirmed')}</th>
            </tr>
          </thead>
          <tbody>
            {pages.participants.map((p) => {
              const v = p.latestVersion;
              return (
                <tr
                  key={p.organisationId}
                  className={p.organisationId === myOrganisationId ? 'table__row--mine' : undefined}
                >
                  <th scope="row">
                    {p.name}
                    {p.organisationId === myOrganisationId ? (
                      <span className="tag tag--neutral">{t('participants.you')}</span>
                    ) : null}
                  </th>
                  <td data-label={t('participants.country')}>{format.country(p.country)}</td>
                  <td data-label={t('participants.status')}>
                    <span className={`tag tag--status-${p.status}`}>{t(`participantStatus.${p.status}`)}</span>
                    {waiting.includes(p.status) ? (
                      <span className="table__note">{t('overview.stillToAct')}</span>
                    ) : null}
                    {p.leaving ? (
                      <p className="table__note" data-testid="leaving">
                        {t(`leaving.long.${p.leaving}`)}
                      </p>
                    ) : null}
                    {p.statusReason && (p.leaving === 'declined' || p.leaving === 'withdrew') ? (
                      // The buyer's own words (the lead's and its own to read); the process's reasons are worded above.
                      <p className="table__note">
                        {t('participants.reason')} {p.statusReason}
                      </p>
                    ) : null}
                  </td>
                  <td data-label={t('overview.draftSaved')}>
                    {p.draftSavedAt ? format.dateTime(p.draftSavedAt) : t('participants.notYet')}
                  </td>
                  <td data-label={t('overview.latestVersion')}>
                    {v
                      ? v.lines === null
                        ? t('overview.versionOnly', { version: v.version })
                        : t('overview.versionText', { version: v.version, count: v.lines })
                      : t('overview.noVersion')}
                  </td>
                  <td data-label={t('overview.submitted')}>
                    {v ? format.dateTime(v.submittedAt) : t('participants.notYet')}
                  </td>
                  <td data-label={t('overview.confirmed')}>
                    {v?.confirmedAt ? format.dateTime(v.confirmedAt) : t('participants.notYet')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollableTable>
      {pages.nextCursor ? (
        <ShowMore loadNext={loadNext} label={t('overview.showMore')} loadingLabel={t('overview.loadingMore')}>
          <p className="muted small">
            {t('overview.shown', { shown: pages.participants.length, count: overview.counts.total })}
          </p>
        </ShowMore>
      ) : null}
    </>
  );
}

function CloseStagePanel({
  statement,
  stage,
  waiting,
  onDone,
}: {
  statement: Statement;
  stage: FollowedStage;
  /** The first of those still to act in the stage, with how many they are. */
  waiting: NeedsOverview | undefined;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const { sessionExpired } = useSession();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);
  const count = waiting?.matching ?? 0;
  const named = (waiting?.participants ?? []).map((p) => p.name);
  const names = count > named.length ? [...named, t('overview.andOthers', { count: count - named.length })] : named;

  const close = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const updated = await call(
        api.POST('/api/statements/{statementId}/close-stage', { params: { path: { statementId: statement.id } } }),
      );
      await onDone(t('overview.close.done', { stage: t(`stage.${stage}`), next: t(`stage.${updated.stage}`) }));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
      requestAnimationFrame(() => ref.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="action-panel" aria-labelledby="close-heading">
      <h3 id="close-heading">{t(`overview.close.title.${stage}`)}</h3>
      <p>{t(`overview.close.intro.${stage}`)}</p>
      <ErrorSummary problem={problem} summaryRef={ref} />
      <Disclosure label={t(`overview.close.open.${stage}`)} variant="danger">
        {(cancel) => (
          <div className="confirm-step">
            <p>
              {count > 0
                ? t(`overview.close.consequence.${stage}`, { count, names: format.list(names) })
                : t('overview.close.nobodyWaiting')}
            </p>
            <div className="button-row">
              <button
                type="button"
                className="button button--danger"
                aria-disabled={busy || undefined}
                onClick={() => void close()}
              >
                {t(`overview.close.confirm.${stage}`)}
              </button>
              <button type="button" className="button button--link" onClick={cancel}>
                {t('overview.close.keepOpen')}
              </button>
            </div>
          </div>
        )}
      </Disclosure>
    </section>
  );
}
