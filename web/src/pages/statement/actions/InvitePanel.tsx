import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type Organisation, type Statement } from '../../../api/client';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextField } from '../../../components/Field';
import { fieldId, useSubmission } from '../../../forms/errors';
import { useFormat } from '../../../i18n/format';
import type { ActionDone } from './types';

const RESULTS = 20;
const SCOPE = 'invite';

/** The lead buyer finds buyer organisations by name and invites the ones selected. */
export function InvitePanel({
  statement,
  onDone,
  primary = false,
}: {
  statement: Statement;
  onDone: ActionDone;
  /** The stage's next step (domain/guidance.ts): its button is the page's one primary button. */
  primary?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Organisation[] | undefined>();
  const [searchProblem, setSearchProblem] = useState<ApiProblem | undefined>();
  const [selected, setSelected] = useState<Organisation[]>([]);
  const resultsId = useId();

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    let live = true;
    setSearchProblem(undefined);
    call(
      api.GET('/api/organisations', {
        params: { query: { kind: 'buyer', limit: RESULTS, ...(query ? { search: query } : {}) } },
      }),
    ).then(
      (orgs) => live && setResults(orgs),
      (error: unknown) => live && setSearchProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, [query]);

  const participantIds = new Set(statement.participants.map((p) => p.organisationId));
  const isSelected = (id: string) => selected.some((o) => o.id === id);
  const toggle = (org: Organisation, on: boolean) =>
    setSelected((current) =>
      on ? [...current.filter((o) => o.id !== org.id), org] : current.filter((o) => o.id !== org.id),
    );

  const onInvite = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(
      () => (selected.length === 0 ? [{ path: 'organisationIds', message: t('actions.invite.noneSelected') }] : []),
      async () => {
        const result = await call(
          api.POST('/api/statements/{statementId}/invitations', {
            params: { path: { statementId: statement.id } },
            body: { organisationIds: selected.map((o) => o.id) },
          }),
        );
        const names = (ids: string[]) => selected.filter((o) => ids.includes(o.id)).map((o) => o.name);
        const invited = names(result.invited);
        const already = names(result.alreadyInvited);
        setSelected([]);
        onDone(result.statement, (tr, fmt) =>
          [
            invited.length > 0 ? tr('actions.invite.done', { count: invited.length, names: fmt.list(invited) }) : '',
            already.length > 0 ? tr('actions.invite.already', { count: already.length, names: fmt.list(already) }) : '',
          ]
            .filter(Boolean)
            .join(' '),
        );
      },
    );
  };

  return (
    <section className={`action-panel${primary ? ' action-panel--highlight' : ''}`} aria-labelledby="invite-heading">
      <h3 id="invite-heading">{t('actions.invite.title')}</h3>
      <p>{t('actions.invite.intro')}</p>
      <form
        role="search"
        className="form form--compact"
        aria-label={t('actions.invite.searchLabel')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(search.trim());
        }}
      >
        <div className="row">
          <TextField
            path="search"
            scope={SCOPE}
            type="search"
            className="row__grow"
            label={t('actions.invite.search')}
            hint={t('actions.invite.searchHint')}
            autoComplete="off"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-controls={resultsId}
          />
          <button type="submit" className="button button--secondary row__button">
            {t('actions.invite.searchButton')}
          </button>
        </div>
      </form>
      <ErrorSummary problem={searchProblem} />

      <form noValidate onSubmit={onInvite} className="form form--compact">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
          scope={SCOPE}
          labelFor={(path) => (path === 'organisationIds' ? t('actions.invite.results') : undefined)}
        />
        <fieldset id={fieldId('organisationIds', SCOPE)} className="checklist" aria-describedby={`${resultsId}-count`}>
          <legend>{t('actions.invite.results')}</legend>
          <p id={`${resultsId}-count`} role="status" className="muted">
            {results ? t('actions.invite.found', { count: results.length }) : t('common.loading')}
          </p>
          <ul id={resultsId} className="checklist__items">
            {(results ?? []).map((org) => {
              const invited = participantIds.has(org.id);
              const lead = org.id === statement.lead.id;
              const id = `${resultsId}-${org.id}`;
              return (
                <li key={org.id}>
                  <input
                    type="checkbox"
                    id={id}
                    checked={invited || isSelected(org.id)}
                    disabled={invited || lead}
                    onChange={(e) => toggle(org, e.target.checked)}
                  />
                  <label htmlFor={id}>
                    <span translate="no">{org.name}</span>
                    <span className="muted">
                      {' · '}
                      {format.country(org.country)}
                      {invited
                        ? ` · ${t('actions.invite.alreadyInvited')}`
                        : lead
                          ? ` · ${t('actions.invite.isLead')}`
                          : ''}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
        {selected.length > 0 ? (
          <div className="selected">
            <h4 id={`${resultsId}-selected`}>{t('actions.invite.selected', { count: selected.length })}</h4>
            <ul aria-labelledby={`${resultsId}-selected`} className="chips">
              {selected.map((o) => (
                <li key={o.id} className="chip">
                  <span translate="no">{o.name}</span>
                  <button
                    type="button"
                    className="chip__remove"
                    onClick={() => {
                      toggle(o, false);
                      // The chip goes away: continue from the organisation's checkbox, or the search box.
                      requestAnimationFrame(() =>
                        (
                          document.getElementById(`${resultsId}-${o.id}`) ??
                          document.getElementById(fieldId('search', SCOPE))
                        )?.focus(),
                      );
                    }}
                  >
                    <span aria-hidden="true">×</span>
                    <span className="visually-hidden">{t('actions.invite.unselect', { name: o.name })}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <button
          type="submit"
          className={`button ${primary ? 'button--primary' : 'button--secondary'}`}
          aria-disabled={submission.submitting || undefined}
        >
          {t('actions.invite.submit', { count: selected.length })}
        </button>
      </form>
    </section>
  );
}
