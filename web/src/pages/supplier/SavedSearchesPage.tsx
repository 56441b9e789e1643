import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { ShownOnceNotice } from '../../components/ShownOnceNotice';
import { StatusMessage } from '../../components/StatusMessage';
import { CountriesField, CpvPrefixesField } from '../../components/SubscriptionFields';
import { fieldId, useSubmission } from '../../forms/errors';
import { useFormat } from '../../i18n/format';
import { useLoad } from '../needs/load';
import { addOnce, entryOfPath, parseCpvPrefix, placeEntryErrors } from './subscription';

type Search = Schemas['SavedSearch'];
type Kind = Search['kinds'][number];
const kinds: readonly Kind[] = ['statement', 'consultation'];
type Pending = { kind: 'rotate' | 'delete'; search: Search };

interface Draft {
  name: string;
  words: string;
  cpvPrefixes: string[];
  countries: string[];
  kinds: Kind[];
  email: boolean;
}
const emptyDraft: Draft = { name: '', words: '', cpvPrefixes: [], countries: [], kinds: [...kinds], email: true };

/**
 * A new search may start from what the address carries (`?words=…&cpv=…&country=…&kind=…`), so a
 * page that filters can link here with its filters.
 */
function draftFromQuery(query: URLSearchParams): Draft {
  const asked = query.getAll('kind').filter((k): k is Kind => (kinds as readonly string[]).includes(k));
  return {
    ...emptyDraft,
    words: query.get('words') ?? '',
    cpvPrefixes: query
      .getAll('cpv')
      .map(parseCpvPrefix)
      .filter((p): p is string => p !== undefined),
    countries: query.getAll('country').map((c) => c.toUpperCase()),
    kinds: asked.length > 0 ? asked : [...kinds],
  };
}

/** The feed's address, shown once after it is made, with a button that copies it. */
function FeedNotice({ url, name, onDone }: { url: string; name: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ShownOnceNotice
      testId="saved-search-feed"
      inputId="saved-search-feed-url"
      value={url}
      text={{
        heading: t('savedSearch.feed.heading', { name }),
        intro: t('savedSearch.feed.intro'),
        label: t('savedSearch.feed.label'),
        copy: t('savedSearch.feed.copy'),
        done: t('savedSearch.feed.done'),
        copied: t('savedSearch.feed.copied'),
      }}
      onDone={onDone}
    />
  );
}

function SearchCard({
  search,
  onAsk,
  onEdit,
  onChanged,
}: {
  search: Search;
  onAsk: (p: Pending) => void;
  onEdit: (s: Search) => void;
  onChanged: (status: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const headingId = `saved-search-${search.id}`;
  const toggleEmail = async () => {
    setProblem(undefined);
    try {
      const { name, words, cpvPrefixes, countries, kinds: k } = search;
      await call(
        api.PUT('/api/me/saved-searches/{searchId}', {
          params: { path: { searchId: search.id } },
          body: { name, words, cpvPrefixes, countries, kinds: k, email: !search.email },
        }),
      );
      onChanged(t(search.email ? 'savedSearch.emailOffStatus' : 'savedSearch.emailOnStatus', { name }));
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  const none = t('savedSearch.criteria.any');
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{search.name}</h3>
      <dl className="facts">
        <div>
          <dt>{t('savedSearch.form.words')}</dt>
          <dd>{search.words || none}</dd>
        </div>
        <div>
          <dt>{t('savedSearch.form.cpv')}</dt>
          <dd className="mono">{search.cpvPrefixes.length > 0 ? search.cpvPrefixes.join(', ') : none}</dd>
        </div>
        <div>
          <dt>{t('savedSearch.form.countries')}</dt>
          <dd>{search.countries.length > 0 ? format.list(search.countries.map((c) => format.country(c))) : none}</dd>
        </div>
        <div>
          <dt>{t('savedSearch.form.kinds')}</dt>
          <dd>{format.list(search.kinds.map((k) => t(`savedSearch.kinds.${k}`)))}</dd>
        </div>
        <div>
          <dt>{t('savedSearch.form.email')}</dt>
          <dd data-testid="saved-search-email">
            {search.email ? t('savedSearch.emailOn') : t('savedSearch.emailOff')}
          </dd>
        </div>
        <div>
          <dt>{t('savedSearch.feedLastUsed')}</dt>
          <dd>{search.feedLastUsedAt ? format.dateTime(search.feedLastUsedAt) : t('savedSearch.feedNeverUsed')}</dd>
        </div>
      </dl>
      <ErrorSummary problem={problem} />
      <div className="button-row">
        <button type="button" className="button" onClick={() => onEdit(search)}>
          {t('savedSearch.actions.edit')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => void toggleEmail()}>
          {search.email ? t('savedSearch.actions.emailOff') : t('savedSearch.actions.emailOn')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => onAsk({ kind: 'rotate', search })}>
          {t('savedSearch.actions.rotate')}
        </button>
        <button type="button" className="button button--danger" onClick={() => onAsk({ kind: 'delete', search })}>
          {t('savedSearch.actions.delete')}
        </button>
      </div>
    </article>
  );
}

const loadSavedSearches = () => call(api.GET('/api/me/saved-searches'));

/**
 * A supplier's saved searches over published statements and open consultations: each with its
 * own Atom feed (its secret address shown once, with a copy button; a new one on request) and
 * its own e-mail setting; create, edit, turn e-mail on or off, delete (confirmed first).
 */
export default function SavedSearchesPage() {
  const { t } = useTranslation();
  const [query] = useSearchParams();
  const [draft, setDraft] = useState<Draft>(() => draftFromQuery(query));
  const [editing, setEditing] = useState<Search | undefined>();
  const [cpvText, setCpvText] = useState('');
  const [entryProblem, setEntryProblem] = useState<string | undefined>();
  const [sent, setSent] = useState<Draft | undefined>();
  const [feed, setFeed] = useState<{ url: string; name: string } | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [pending, setPending] = useState<Pending | undefined>();
  const [busy, setBusy] = useState(false);
  const [actionProblem, setActionProblem] = useState<ApiProblem | undefined>();
  const submission = useSubmission();

  const { data: list, problem: loadProblem, reload } = useLoad(loadSavedSearches);

  const changed = (message: string) => {
    setStatus(message);
    void reload();
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const startEdit = (s: Search) => {
    submission.reset();
    setEditing(s);
    // Only the fields the form sends: the view's id, feed and dates are no part of a search's input.
    const { name, words, cpvPrefixes, countries, kinds: k, email } = s;
    setDraft({ name, words, cpvPrefixes, countries, kinds: k, email });
    setCpvText('');
    document.getElementById(fieldId('name'))?.focus();
  };
  const stopEdit = () => {
    submission.reset();
    setEditing(undefined);
    setDraft(emptyDraft);
    setCpvText('');
  };

  const confirm = async () => {
    if (!pending) return;
    const { kind, search } = pending;
    const path = { params: { path: { searchId: search.id } } };
    setBusy(true);
    setActionProblem(undefined);
    try {
      if (kind === 'rotate') {
        const made = await call(api.POST('/api/me/saved-searches/{searchId}/feed', path));
        if (made.feedUrl) setFeed({ url: made.feedUrl, name: made.name });
        changed(t('savedSearch.rotated', { name: search.name }));
      } else {
        await call(api.DELETE('/api/me/saved-searches/{searchId}', path));
        if (editing?.id === search.id) stopEdit();
        changed(t('savedSearch.deleted', { name: search.name }));
      }
    } catch (error) {
      setActionProblem(asProblem(error));
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  const labelFor = (path: string) => {
    const { field } = entryOfPath(path);
    const labels: Record<string, string> = {
      name: t('savedSearch.form.name'),
      words: t('savedSearch.form.words'),
      cpvPrefixes: t('savedSearch.form.cpv'),
      countries: t('savedSearch.form.countries'),
      kinds: t('savedSearch.form.kinds'),
      email: t('savedSearch.form.email'),
    };
    return labels[field];
  };
  const errorOf = (path: string) => submission.fieldErrors.find((e) => e.path === path);
  const cpvErrors = [
    ...placeEntryErrors(submission.fieldErrors, 'cpvPrefixes', sent?.cpvPrefixes, draft.cpvPrefixes, (entry) =>
      t('savedSearch.form.cpvInvalid', { entry }),
    ),
    ...(entryProblem ? [{ path: 'cpvPrefixes', message: entryProblem, index: undefined }] : []),
  ];
  const countryErrors = placeEntryErrors(
    submission.fieldErrors,
    'countries',
    sent?.countries,
    draft.countries,
    (entry) => t('savedSearch.form.countryInvalid', { entry }),
  );
  const kindsError = submission.fieldErrors.find((e) => entryOfPath(e.path).field === 'kinds');
  const full = list ? list.searches.length >= list.maxSearches && !editing : false;

  return (
    <>
      <PageHeading>{t('savedSearch.title')}</PageHeading>
      <p className="lead">{t('savedSearch.intro')}</p>
      {loadProblem ? <ErrorSummary problem={loadProblem} /> : null}
      {!list && !loadProblem ? <Loading /> : null}
      <StatusMessage focus>{status}</StatusMessage>
      {feed ? <FeedNotice url={feed.url} name={feed.name} onDone={() => setFeed(undefined)} /> : null}
      <ErrorSummary problem={actionProblem} />
      {list ? (
        <>
          <section aria-labelledby="saved-searches-list-heading">
            <h2 id="saved-searches-list-heading">{t('savedSearch.listHeading')}</h2>
            {list.searches.length === 0 ? <p>{t('savedSearch.none')}</p> : null}
            {list.searches.map((s) => (
              <SearchCard key={s.id} search={s} onAsk={setPending} onEdit={startEdit} onChanged={changed} />
            ))}
          </section>
          <section aria-labelledby="saved-searches-form-heading">
            <h2 id="saved-searches-form-heading">
              {editing ? t('savedSearch.form.editHeading', { name: editing.name }) : t('savedSearch.form.heading')}
            </h2>
            {full ? (
              <p>{t('savedSearch.form.full', { count: list.maxSearches })}</p>
            ) : (
              <>
                <ErrorSummary
                  problem={submission.problem}
                  fieldErrors={[
                    ...cpvErrors,
                    ...countryErrors,
                    ...submission.fieldErrors.filter(
                      (e) => !['cpvPrefixes', 'countries'].includes(entryOfPath(e.path).field),
                    ),
                  ]}
                  summaryRef={submission.summaryRef}
                  labelFor={labelFor}
                />
                <form
                  noValidate
                  className="form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    setStatus(undefined);
                    setEntryProblem(undefined);
                    // A CPV prefix typed but not yet added goes with the rest.
                    const typed = cpvText.trim() ? parseCpvPrefix(cpvText) : undefined;
                    const body = {
                      ...draft,
                      name: draft.name.trim(),
                      words: draft.words.trim(),
                      cpvPrefixes: typed ? addOnce(draft.cpvPrefixes, typed) : draft.cpvPrefixes,
                    };
                    void submission.submit(
                      () => {
                        const problems = [];
                        if (!body.name) problems.push({ path: 'name', message: t('savedSearch.form.nameRequired') });
                        if (cpvText.trim() && !typed)
                          problems.push({ path: 'cpvPrefixes', message: t('savedSearch.form.cpvNotPrefix') });
                        if (body.kinds.length === 0)
                          problems.push({ path: 'kinds', message: t('savedSearch.form.kindsRequired') });
                        return problems;
                      },
                      async () => {
                        setSent(body);
                        if (editing) {
                          await call(
                            api.PUT('/api/me/saved-searches/{searchId}', {
                              params: { path: { searchId: editing.id } },
                              body,
                            }),
                          );
                          stopEdit();
                          changed(t('savedSearch.saved', { name: body.name }));
                        } else {
                          const made = await call(api.POST('/api/me/saved-searches', { body }));
                          if (made.feedUrl) setFeed({ url: made.feedUrl, name: made.name });
                          setDraft(emptyDraft);
                          setCpvText('');
                          changed(t('savedSearch.created', { name: made.name }));
                        }
                      },
                    );
                  }}
                >
                  <TextField
                    path="name"
                    label={t('savedSearch.form.name')}
                    error={errorOf('name')}
                    autoComplete="off"
                    value={draft.name}
                    onChange={(e) => set('name', e.target.value)}
                  />
                  <TextField
                    path="words"
                    label={t('savedSearch.form.words')}
                    hint={t('savedSearch.form.wordsHint')}
                    optional
                    error={errorOf('words')}
                    autoComplete="off"
                    value={draft.words}
                    onChange={(e) => set('words', e.target.value)}
                  />
                  <CpvPrefixesField
                    path="cpvPrefixes"
                    label={t('savedSearch.form.cpv')}
                    hint={t('savedSearch.form.cpvHint')}
                    optional
                    errors={cpvErrors}
                    text={cpvText}
                    onTextChange={(v) => {
                      setCpvText(v);
                      setEntryProblem(undefined);
                    }}
                    value={draft.cpvPrefixes}
                    onChange={(v) => set('cpvPrefixes', v)}
                    onInvalidEntry={setEntryProblem}
                  />
                  <CountriesField
                    path="countries"
                    label={t('savedSearch.form.countries')}
                    hint={t('savedSearch.form.countriesHint')}
                    optional
                    errors={countryErrors}
                    value={draft.countries}
                    onChange={(v) => set('countries', v)}
                  />
                  <fieldset
                    className={kindsError ? 'field field--error' : 'field'}
                    aria-describedby={kindsError ? 'kinds-error' : undefined}
                  >
                    <legend className="field__label">{t('savedSearch.form.kinds')}</legend>
                    {kindsError ? (
                      <p id="kinds-error" className="field__error">
                        {kindsError.message}
                      </p>
                    ) : null}
                    {kinds.map((kind) => (
                      <div className="choice" key={kind}>
                        <input
                          type="checkbox"
                          id={`saved-search-kind-${kind}`}
                          checked={draft.kinds.includes(kind)}
                          onChange={(e) =>
                            set(
                              'kinds',
                              e.target.checked
                                ? kinds.filter((k) => k === kind || draft.kinds.includes(k))
                                : draft.kinds.filter((k) => k !== kind),
                            )
                          }
                        />
                        <label htmlFor={`saved-search-kind-${kind}`}>{t(`savedSearch.kinds.${kind}`)}</label>
                      </div>
                    ))}
                  </fieldset>
                  <div className="choice">
                    <input
                      type="checkbox"
                      id="saved-search-email"
                      aria-describedby="saved-search-email-hint"
                      checked={draft.email}
                      onChange={(e) => set('email', e.target.checked)}
                    />
                    <label htmlFor="saved-search-email">{t('savedSearch.form.email')}</label>
                    <p id="saved-search-email-hint" className="field__hint">
                      {t('savedSearch.form.emailHint')}
                    </p>
                  </div>
                  <div className="button-row">
                    <button
                      type="submit"
                      className="button button--primary"
                      aria-disabled={submission.submitting || undefined}
                    >
                      {submission.submitting
                        ? t('common.saving')
                        : editing
                          ? t('savedSearch.form.save')
                          : t('savedSearch.form.submit')}
                    </button>
                    {editing ? (
                      <button type="button" className="button button--secondary" onClick={stopEdit}>
                        {t('common.cancel')}
                      </button>
                    ) : null}
                  </div>
                </form>
              </>
            )}
          </section>
        </>
      ) : null}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? t(`savedSearch.confirm.${pending.kind}.title`) : ''}
        confirmLabel={pending ? t(`savedSearch.confirm.${pending.kind}.confirm`) : ''}
        busyLabel={t('common.saving')}
        cancelLabel={t('common.cancel')}
        busy={busy}
        variant={pending?.kind === 'delete' ? 'danger' : 'primary'}
        onConfirm={() => void confirm()}
        onCancel={() => setPending(undefined)}
      >
        <p>{pending ? t(`savedSearch.confirm.${pending.kind}.body`, { name: pending.search.name }) : null}</p>
      </ConfirmDialog>
    </>
  );
}
