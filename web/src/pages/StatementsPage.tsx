import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Stage, type StatementSummary } from '../api/client';
import { useMe } from '../auth/session';
import { ErrorSummary } from '../components/ErrorSummary';
import { SelectField } from '../components/Field';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { StageTag } from '../components/StageStepper';
import { useFormat } from '../i18n/format';
import { exitStages, mainPath } from '../process/stages';
import { CpvNames } from '../reference/Words';

const PAGE_SIZE = 50;
const stageFilters: Stage[] = [...mainPath.slice(0, 4), 'shortfall', ...mainPath.slice(4), ...exitStages];

export default function StatementsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const [stage, setStage] = useState<Stage | ''>('');
  const [items, setItems] = useState<StatementSummary[] | undefined>();
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useCallback(
    async (offset: number) => {
      const page = await call(
        api.GET('/api/statements', { params: { query: { limit: PAGE_SIZE, offset, ...(stage ? { stage } : {}) } } }),
      );
      setMore(page.length === PAGE_SIZE);
      return page;
    },
    [stage],
  );

  useEffect(() => {
    let live = true;
    setItems(undefined);
    setProblem(undefined);
    load(0).then(
      (page) => live && setItems(page),
      (error: unknown) => live && setProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, [load]);

  const loadMore = async () => {
    setLoadingMore(true);
    try {
      const page = await load(items?.length ?? 0);
      setItems((current) => [...(current ?? []), ...page]);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <div className="page-head">
        <PageHeading>{t('statements.title')}</PageHeading>
        {me.organisation.kind === 'buyer' ? (
          <Link to="/statements/new" className="button button--primary">
            {t('statements.create')}
          </Link>
        ) : null}
      </div>
      <p className="lead">{t('statements.intro')}</p>

      <form
        className="filters"
        role="search"
        aria-label={t('statements.filterLabel')}
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          path="stage"
          label={t('statements.filterStage')}
          value={stage}
          onChange={(e) => setStage(e.target.value as Stage | '')}
        >
          <option value="">{t('statements.allStages')}</option>
          {stageFilters.map((s) => (
            <option key={s} value={s}>
              {t(`stage.${s}`)}
            </option>
          ))}
        </SelectField>
      </form>

      <ErrorSummary problem={problem} />
      {items === undefined && !problem ? <Loading /> : null}
      {items ? (
        <>
          <p role="status" className="result-count">
            {t('statements.count', { count: items.length })}
          </p>
          {items.length === 0 ? (
            <div className="empty">
              <p>{stage ? t('statements.emptyFiltered') : t('statements.empty')}</p>
            </div>
          ) : (
            <ul className="card-list">
              {items.map((s) => (
                <li key={s.id} className="card statement-card">
                  <h2 className="card__title">
                    <Link to={`/statements/${s.id}`}>{s.title}</Link>
                  </h2>
                  <div className="statement-card__meta">
                    {s.myParticipation?.status === 'invited' ? (
                      // An invitation waiting for its answer, not the statement's stage ("Draft" told the invitee nothing).
                      <span className="tag tag--invitation" data-testid="invitation-tag">
                        {s.stageDeadline
                          ? t('guidance.invitation.tagBy', { deadline: format.dateTime(s.stageDeadline) })
                          : t('guidance.invitation.tag')}
                      </span>
                    ) : (
                      <StageTag stage={s.stage} />
                    )}
                    {s.myParticipation?.leaving ? (
                      <span className="tag tag--neutral">{t(`leaving.short.${s.myParticipation.leaving}`)}</span>
                    ) : null}
                    {s.leadOrganisationId === me.organisation.id ? (
                      <span className="tag tag--neutral">{t('statements.youLead')}</span>
                    ) : null}
                  </div>
                  {s.myParticipation?.status === 'invited' ? (
                    <p>
                      <Link to={`/statements/${s.id}#answer-heading`}>{t('guidance.invitation.answerLink')}</Link>
                    </p>
                  ) : null}
                  <dl className="facts facts--inline">
                    <div>
                      <dt>{t('statement.deadline')}</dt>
                      <dd>{s.stageDeadline ? format.dateTime(s.stageDeadline) : t('statement.noDeadline')}</dd>
                    </div>
                    <div>
                      <dt>{t('statement.cpvCodes')}</dt>
                      <dd>
                        <CpvNames codes={s.cpvCodes} />
                      </dd>
                    </div>
                    <div>
                      <dt>{t('statement.created')}</dt>
                      <dd>{format.date(s.createdAt)}</dd>
                    </div>
                  </dl>
                </li>
              ))}
            </ul>
          )}
          {more ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => void loadMore()}
              aria-disabled={loadingMore || undefined}
            >
              {loadingMore ? t('common.loading') : t('statements.loadMore')}
            </button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
