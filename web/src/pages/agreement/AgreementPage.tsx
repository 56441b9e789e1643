import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { allows, api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { useMe, useSession } from '../../auth/session';
import { TextField } from '../../components/Field';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { localInput } from '../../forms/date-input';
import { useFormat } from '../../i18n/format';
import { getStatement, useLoad } from '../needs/load';
import { TermsForm } from './TermsForm';

type Agreement = Schemas['Agreement'];

/** How the demand is procured: through a central purchasing body there is no agreement (Art. 39(2)-(3)). */
async function getRoute(statementId: string) {
  return call(api.GET('/api/statements/{statementId}/procurement-route', { params: { path: { statementId } } }));
}

/** The agreement, or null while the lead has not started it (404). */
async function getAgreement(statementId: string): Promise<Agreement | null> {
  try {
    return await call(api.GET('/api/statements/{statementId}/agreement', { params: { path: { statementId } } }));
  } catch (error) {
    if (asProblem(error).status === 404) return null;
    throw error;
  }
}

/**
 * The joint procurement agreement of a published statement (Directive 2014/24/EU Art. 38-39):
 * the lead buyer starts it and proposes the terms; the statement's signatories opt in, read the
 * document and sign the current version; the last signature puts it into force.
 */
export default function AgreementPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { sessionExpired } = useSession();
  const { statementId = '' } = useParams();
  const load = useCallback(async () => {
    const [statement, agreement, route] = await Promise.all([
      getStatement(statementId),
      getAgreement(statementId),
      getRoute(statementId),
    ]);
    return { statement, agreement, route };
  }, [statementId]);
  const { data, problem, set } = useLoad(load);
  const [message, setMessage] = useState<{ text: string; n: number } | undefined>();
  const [actionProblem, setActionProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);
  const [deadline, setDeadline] = useState(() => localInput(new Date(Date.now() + 30 * 86_400_000)));

  const statement = data?.statement;
  const agreement = data?.agreement;
  const isLead = statement?.lead.id === me.organisation.id;
  const mine = agreement?.parties.find((p) => p.organisationId === me.organisation.id);
  const isSignatory = me.user.roles.includes('signatory');

  const done = (next: Agreement, text: string) => {
    if (data) set({ ...data, agreement: next });
    setMessage((m) => ({ text, n: (m?.n ?? 0) + 1 }));
  };

  /** Runs one agreement action; a problem is shown in the page's alert. */
  const act = async (action: () => Promise<Agreement>, text: (a: Agreement) => string) => {
    if (busy) return;
    setBusy(true);
    setActionProblem(undefined);
    try {
      const next = await action();
      done(next, text(next));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setActionProblem(p);
    } finally {
      setBusy(false);
    }
  };

  const path = { params: { path: { statementId } } };
  const current = agreement?.currentVersion ?? null;

  return (
    <>
      <StatementSubpageHeading
        title={t('agreement.title')}
        statement={statement}
        problem={problem ?? actionProblem}
        loading={!data && !problem}
      />
      <StatusMessage focus key={message?.n}>
        {message?.text}
      </StatusMessage>

      {statement && data && !agreement && data.route.centralPurchasingBody ? (
        <p className="notice notice--info" data-testid="procurement-route">
          {t('agreement.throughCpb', {
            name: data.route.centralPurchasingBody.name,
            country: format.country(data.route.centralPurchasingBody.country),
          })}
        </p>
      ) : null}
      {statement && data && !agreement && !data.route.centralPurchasingBody ? (
        allows(statement, 'startAgreement') ? (
          <section className="action-panel action-panel--highlight" aria-labelledby="start-heading">
            <h2 id="start-heading">{t('agreement.start.title')}</h2>
            <p>{t('agreement.start.intro')}</p>
            <form
              noValidate
              className="form form--compact"
              onSubmit={(e) => {
                e.preventDefault();
                const at = new Date(deadline);
                void act(
                  () =>
                    call(
                      api.POST('/api/statements/{statementId}/agreement', {
                        ...path,
                        body: Number.isNaN(at.getTime()) ? {} : { signatureDeadline: at.toISOString() },
                      }),
                    ),
                  () => t('agreement.start.done'),
                );
              }}
            >
              <TextField
                path="signatureDeadline"
                scope="start"
                type="datetime-local"
                label={t('agreement.start.deadline')}
                hint={t('agreement.start.deadlineHint')}
                value={deadline}
                onChange={(e) => setDeadline(e.target.value)}
              />
              <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
                {t('agreement.start.submit')}
              </button>
            </form>
          </section>
        ) : (
          <p className="notice notice--info">{t('agreement.notStarted')}</p>
        )
      ) : null}

      {statement && agreement ? (
        <>
          <dl className="key-facts">
            <div>
              <dt>{t('agreement.status')}</dt>
              <dd data-testid="agreement-status">{t(`agreement.statusName.${agreement.status}`)}</dd>
            </div>
            <div>
              <dt>{t('agreement.kind')}</dt>
              <dd>{t(`agreement.kindName.${agreement.kind}`)}</dd>
            </div>
            <div>
              <dt>{t('agreement.deadline')}</dt>
              <dd>
                {agreement.signatureDeadline ? format.dateTime(agreement.signatureDeadline) : t('statement.noDeadline')}
              </dd>
            </div>
            <div>
              <dt>{t('agreement.version')}</dt>
              <dd>
                {current
                  ? t('agreement.versionText', { version: current.version, date: format.dateTime(current.createdAt) })
                  : t('agreement.noVersion')}
              </dd>
            </div>
          </dl>
          {agreement.status === 'in_force' && agreement.inForceAt ? (
            <p className="notice notice--success">
              {t('agreement.inForce', { date: format.dateTime(agreement.inForceAt) })}
            </p>
          ) : null}
          {agreement.status === 'cancelled' ? (
            <p className="notice notice--ended">{t('agreement.cancelled', { reason: agreement.cancelReason ?? '' })}</p>
          ) : null}

          {mine?.status === 'invited' && agreement.status === 'negotiation' ? (
            <section className="action-panel action-panel--highlight" aria-labelledby="join-heading">
              <h2 id="join-heading">{t('agreement.join.title')}</h2>
              <p>{t('agreement.join.intro', { lead: statement.lead.name })}</p>
              <div className="button-row">
                <button
                  type="button"
                  className="button button--primary"
                  aria-disabled={busy || undefined}
                  onClick={() =>
                    void act(
                      () => call(api.POST('/api/statements/{statementId}/agreement/join', { ...path, body: {} })),
                      () => t('agreement.join.done'),
                    )
                  }
                >
                  {t('agreement.join.accept')}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  aria-disabled={busy || undefined}
                  onClick={() =>
                    void act(
                      () => call(api.POST('/api/statements/{statementId}/agreement/decline', { ...path, body: {} })),
                      () => t('agreement.join.declined'),
                    )
                  }
                >
                  {t('agreement.join.decline')}
                </button>
              </div>
            </section>
          ) : null}

          {current && mine?.status === 'party' && agreement.status === 'negotiation' ? (
            <section className="action-panel action-panel--highlight" aria-labelledby="sign-heading">
              <h2 id="sign-heading">{t('agreement.sign.title', { version: current.version })}</h2>
              <p>
                <a
                  href={`/api/statements/${statementId}/agreement/versions/${current.version}/document.html`}
                  target="_blank"
                  rel="noreferrer"
                >
                  {t('agreement.sign.read', { version: current.version })}
                </a>{' '}
                ·{' '}
                <a href={`/api/statements/${statementId}/agreement/versions/${current.version}/document.pdf`} download>
                  {t('agreement.sign.pdf')}
                </a>
              </p>
              <p className="small muted">
                {t('agreement.sign.hash')} <span className="mono break">{current.contentHash}</span>
              </p>
              {mine.signedCurrentVersion ? (
                <p className="notice notice--success">{t('agreement.sign.signed', { version: current.version })}</p>
              ) : isSignatory ? (
                <button
                  type="button"
                  className="button button--primary"
                  aria-disabled={busy || undefined}
                  onClick={() =>
                    void act(
                      () =>
                        call(
                          api.POST('/api/statements/{statementId}/agreement/sign', {
                            ...path,
                            body: { versionId: current.versionId, versionHash: current.contentHash },
                          }),
                        ),
                      (a) =>
                        a.status === 'in_force'
                          ? t('agreement.sign.doneInForce')
                          : t('agreement.sign.done', { version: current.version }),
                    )
                  }
                >
                  {t('agreement.sign.submit', { version: current.version })}
                </button>
              ) : (
                <p className="notice notice--info">{t('agreement.sign.notSignatory')}</p>
              )}
            </section>
          ) : null}

          {isLead && agreement.status === 'negotiation' ? (
            <TermsForm statement={statement} agreement={agreement} onDone={done} />
          ) : null}

          <section aria-labelledby="parties-heading" className="section">
            <h2 id="parties-heading">{t('agreement.parties')}</h2>
            <div className="table-scroll" role="region" aria-labelledby="parties-heading" tabIndex={0}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('participants.organisation')}</th>
                    <th scope="col">{t('participants.country')}</th>
                    <th scope="col">{t('participants.status')}</th>
                    <th scope="col">{t('agreement.signedColumn')}</th>
                  </tr>
                </thead>
                <tbody>
                  {agreement.parties.map((p) => (
                    <tr key={p.organisationId}>
                      <th scope="row">{p.name}</th>
                      <td>{format.country(p.country)}</td>
                      <td>{t(`agreement.partyStatus.${p.status}`)}</td>
                      <td>{p.signedCurrentVersion ? t('agreement.signedYes') : t('agreement.signedNo')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          {agreement.versions.length > 0 ? (
            <section aria-labelledby="versions-heading" className="section">
              <h2 id="versions-heading">{t('agreement.versions')}</h2>
              <ul className="plain-list">
                {agreement.versions.map((ver) => (
                  <li key={ver.versionId}>
                    {t('agreement.versionText', { version: ver.version, date: format.dateTime(ver.createdAt) })}{' '}
                    {ver.current ? <span className="tag tag--active">{t('agreement.current')}</span> : null}{' '}
                    <a
                      href={`/api/statements/${statementId}/agreement/versions/${ver.version}/document.html`}
                      target="_blank"
                      rel="noreferrer"
                    >
                      {t('agreement.sign.read', { version: ver.version })}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
      {statement ? (
        <p>
          <Link to={`/statements/${statement.id}`}>{t('common.backToStatement')}</Link>
        </p>
      ) : null}
    </>
  );
}
