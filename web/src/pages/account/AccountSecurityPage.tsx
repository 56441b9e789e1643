import {
  type ApiTokenScope,
  apiTokenScopes,
  defaultApiTokenScopes,
  maxApiTokenDays,
  maxApiTokenNameLength,
} from '@jointdemand/rules/api-tokens';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { useSubmission } from '../../forms/errors';
import { textCharacterError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';
import { CalendarFeedSection } from './CalendarFeedSection';

type Scope = ApiTokenScope;

/**
 * The user's own sessions (each signed-in browser: end one, or sign out everywhere) and API
 * tokens (create one, shown once, with an expiry and scopes; revoke one).
 */
export default function AccountSecurityPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { session } = useSession();
  const isAdmin = session.status === 'signedIn' && session.me.user.isAdmin;
  const [sessions, setSessions] = useState<Schemas['SessionView'][] | undefined>();
  const [tokens, setTokens] = useState<Schemas['ApiTokenView'][] | undefined>();
  const [loadProblem, setLoadProblem] = useState<ApiProblem | undefined>();
  const [actionProblem, setActionProblem] = useState<ApiProblem | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [newToken, setNewToken] = useState<string | undefined>();
  const [form, setForm] = useState({ name: '', days: '90', scopes: [...defaultApiTokenScopes] as Scope[] });
  const [revokeTokens, setRevokeTokens] = useState(false);
  const submission = useSubmission();

  const load = useCallback(async () => {
    try {
      const [s, k] = await Promise.all([call(api.GET('/api/me/sessions')), call(api.GET('/api/tokens'))]);
      setSessions(s);
      setTokens(k);
    } catch (error) {
      setLoadProblem(asProblem(error));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setActionProblem(undefined);
    setStatus(undefined);
    try {
      await action();
      setStatus(done);
      await load();
    } catch (error) {
      setActionProblem(asProblem(error));
    }
  };

  const toggleScope = (scope: Scope) =>
    setForm((f) => ({
      ...f,
      scopes: f.scopes.includes(scope) ? f.scopes.filter((s) => s !== scope) : [...f.scopes, scope],
    }));

  return (
    <div className="narrow">
      <PageHeading>{t('account.title')}</PageHeading>
      {loadProblem ? <ErrorSummary problem={loadProblem} /> : null}
      <ErrorSummary problem={actionProblem} />
      <StatusMessage focus>{status}</StatusMessage>

      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('account.sessions.heading')}</h2>
        <p>{t('account.sessions.intro')}</p>
        {!sessions && !loadProblem ? <Loading /> : null}
        {sessions ? (
          // On a phone the table scrolls within its own region, not the page.
          <div
            className="table-scroll"
            role="region"
            aria-labelledby="sessions-heading"
            tabIndex={0}
            // The containing block of the visually hidden header text, which would widen the page otherwise.
            style={{ position: 'relative' }}
          >
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('account.sessions.signedIn')}</th>
                  <th scope="col">{t('account.sessions.lastUsed')}</th>
                  <th scope="col">{t('account.sessions.device')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('account.sessions.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sessions.map((s) => (
                  <tr key={s.id}>
                    <td>{format.dateTime(s.createdAt)}</td>
                    <td>{format.relative(s.lastSeenAt)}</td>
                    <td>
                      {[s.userAgent, s.ip].filter(Boolean).join(' · ')}
                      {s.current ? <strong> {t('account.sessions.current')}</strong> : null}
                    </td>
                    <td>
                      {s.current ? null : (
                        <button
                          type="button"
                          className="button button--secondary"
                          onClick={() =>
                            void act(
                              () =>
                                call(
                                  api.DELETE('/api/me/sessions/{sessionId}', { params: { path: { sessionId: s.id } } }),
                                ),
                              t('account.sessions.ended'),
                            )
                          }
                        >
                          {t('account.sessions.end')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <p>
          <label className="checkbox">
            <input
              type="checkbox"
              name="revokeTokens"
              checked={revokeTokens}
              onChange={(e) => setRevokeTokens(e.target.checked)}
            />{' '}
            {t('account.sessions.revokeTokensToo')}
          </label>
        </p>
        <button
          type="button"
          className="button"
          onClick={() => {
            void call(api.POST('/api/me/sessions/sign-out-everywhere', { body: { revokeTokens } })).then(
              () => window.location.assign('/sign-in'),
              (error: unknown) => setActionProblem(asProblem(error)),
            );
          }}
        >
          {t('account.sessions.everywhere')}
        </button>
      </section>

      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{t('account.tokens.heading')}</h2>
        <p>{t('account.tokens.intro')}</p>
        {newToken ? (
          <div className="notice notice--info">
            <p>{t('account.tokens.showOnce')}</p>
            <code data-testid="new-token">{newToken}</code>
          </div>
        ) : null}
        {tokens ? (
          <ul>
            {tokens.map((k) => (
              <li key={k.id}>
                <strong>{k.name}</strong> ({k.scopes.join(', ')}){' '}
                {k.revokedAt
                  ? t('account.tokens.revokedOn', { date: format.date(k.revokedAt) })
                  : k.expiresAt
                    ? t('account.tokens.expires', { date: format.date(k.expiresAt) })
                    : null}{' '}
                {k.revokedAt ? null : (
                  <button
                    type="button"
                    className="button button--secondary"
                    onClick={() =>
                      void act(
                        () => call(api.DELETE('/api/tokens/{tokenId}', { params: { path: { tokenId: k.id } } })),
                        t('account.tokens.revoked'),
                      )
                    }
                  >
                    {t('account.tokens.revoke', { name: k.name })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        ) : null}
        <h3>{t('account.tokens.create')}</h3>
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
        />
        <form
          noValidate
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            setNewToken(undefined);
            void submission.submit(
              () => {
                const out = [];
                const nameCharacters = textCharacterError('name', form.name, t);
                if (nameCharacters) out.push({ path: 'name', message: nameCharacters });
                else if (!form.name.trim()) out.push({ path: 'name', message: t('account.tokens.nameRequired') });
                const days = Number(form.days);
                if (!Number.isInteger(days) || days < 1 || days > maxApiTokenDays)
                  out.push({ path: 'expiresInDays', message: t('account.tokens.daysRange') });
                if (form.scopes.length === 0) out.push({ path: 'scopes', message: t('account.tokens.scopesRequired') });
                return out;
              },
              async () => {
                const created = await call(
                  api.POST('/api/tokens', {
                    body: { name: form.name.trim(), expiresInDays: Number(form.days), scopes: form.scopes },
                  }),
                );
                setNewToken(created.token);
                setForm((f) => ({ ...f, name: '' }));
                await load();
              },
            );
          }}
        >
          <TextField
            path="name"
            label={t('account.tokens.name')}
            error={submission.errorFor('name')}
            value={form.name}
            maxLength={maxApiTokenNameLength}
            onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
          />
          <TextField
            path="expiresInDays"
            type="number"
            min={1}
            max={maxApiTokenDays}
            label={t('account.tokens.days')}
            error={submission.errorFor('expiresInDays')}
            value={form.days}
            onChange={(e) => setForm((f) => ({ ...f, days: e.target.value }))}
          />
          <fieldset>
            <legend>{t('account.tokens.scopes')}</legend>
            {apiTokenScopes
              .filter((scope) => isAdmin || scope !== 'admin')
              .map((scope) => (
                <label className="checkbox" key={scope}>
                  <input
                    type="checkbox"
                    name="scopes"
                    checked={form.scopes.includes(scope)}
                    onChange={() => toggleScope(scope)}
                  />{' '}
                  {t(`account.tokens.scope.${scope}`)}
                </label>
              ))}
          </fieldset>
          <button type="submit" className="button" disabled={submission.submitting}>
            {t('account.tokens.submit')}
          </button>
        </form>
      </section>

      <CalendarFeedSection />
    </div>
  );
}
