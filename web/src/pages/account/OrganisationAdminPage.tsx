import { participatingCountries } from '@jointdemand/rules/countries';
import type { TFunction } from 'i18next';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { type FieldError, useSubmission } from '../../forms/errors';
import { textCharacterError } from '../../forms/text-rules';
import { locales } from '../../i18n';
import en from '../../i18n/en.json';
import { useFormat } from '../../i18n/format';
import { useLegalTypeLabel } from '../statement/labels';

type View = Schemas['OrganisationAdminView'];
type Change = View['corrections'][number]['changes'][number];

const legalTypes = Object.keys(en.buyerLegalType);
const buyerCountries = [...participatingCountries].sort();

/**
 * Every correction on this page (the organisation's record, a user's) is audited with the
 * administrator's reason, so both forms ask for one the same way: plain paragraph text, not blank.
 */
function correctionReasonErrors(reason: string, t: TFunction): FieldError[] {
  const characters = textCharacterError('paragraph', reason, t);
  if (characters) return [{ path: 'reason', message: characters }];
  if (reason.trim() === '') return [{ path: 'reason', message: t('adminOrganisation.errors.reason') }];
  return [];
}

/**
 * An administrator reads an organisation (its record, its users, the running statements that
 * counted it, the corrections made) and corrects it with a reason. The buyer legal type decides
 * the EU threshold and the country the countries counted, so correcting either re-runs the
 * checks of those statements and tells their leads: the page says so before and after.
 */
export default function OrganisationAdminPage() {
  const { organisationId = '' } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const legalType = useLegalTypeLabel();
  const submission = useSubmission();
  const [view, setView] = useState<View | undefined>();
  const [loadProblem, setLoadProblem] = useState<ApiProblem | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [buyerLegalType, setBuyerLegalType] = useState('');
  const [reason, setReason] = useState('');

  const load = useCallback(async () => {
    const loaded = await call(
      api.GET('/api/admin/organisations/{organisationId}', { params: { path: { organisationId } } }),
    );
    setView(loaded);
    setName(loaded.organisation.name);
    setCountry(loaded.organisation.country);
    setBuyerLegalType(loaded.organisation.buyerLegalType ?? '');
  }, [organisationId]);

  useEffect(() => {
    load().catch((error: unknown) => setLoadProblem(asProblem(error)));
  }, [load]);

  const labelFor = (path: string) =>
    ({
      name: t('adminOrganisation.form.name'),
      country: t('adminOrganisation.form.country'),
      buyerLegalType: t('adminOrganisation.form.buyerLegalType'),
      reason: t('adminOrganisation.form.reason'),
    })[path];

  const validate = (): FieldError[] => correctionReasonErrors(reason, t);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!view) return;
    const o = view.organisation;
    setStatus(undefined);
    void submission.submit(validate, async () => {
      const result = await call(
        api.PATCH('/api/admin/organisations/{organisationId}', {
          params: { path: { organisationId } },
          body: {
            ...(name.trim() !== o.name ? { name: name.trim() } : {}),
            ...(country !== o.country ? { country } : {}),
            ...(o.kind === 'buyer' && buyerLegalType !== o.buyerLegalType ? { buyerLegalType } : {}),
            reason: reason.trim(),
          },
        }),
      );
      setReason('');
      await load();
      const count = result.statements.length;
      setStatus(count === 0 ? t('adminOrganisation.doneNone') : t('adminOrganisation.done', { count }));
    });
  };

  const showValue = (c: Change, v: Change['from']) =>
    v === null
      ? t('common.notGiven')
      : c.field === 'buyerLegalType'
        ? legalType(String(v))
        : c.field === 'country'
          ? format.country(String(v))
          : String(v);

  if (loadProblem) return <ErrorSummary problem={loadProblem} />;
  if (!view) return <p>{t('common.loading')}</p>;
  const o = view.organisation;
  return (
    <>
      <PageHeading>{t('adminOrganisation.title', { name: o.name })}</PageHeading>
      <p>
        <Link to="/admin/users">{t('adminOrganisation.back')}</Link>
      </p>
      <StatusMessage focus>{status}</StatusMessage>

      <section aria-labelledby="record-heading" className="section">
        <h2 id="record-heading">{t('adminOrganisation.record')}</h2>
        <dl className="key-facts">
          <div>
            <dt>{t('adminOrganisation.kind')}</dt>
            <dd>{t(`adminOrganisation.kinds.${o.kind}`)}</dd>
          </div>
          <div>
            <dt>{t('adminOrganisation.form.country')}</dt>
            <dd>{format.country(o.country)}</dd>
          </div>
          {o.kind === 'buyer' ? (
            <div>
              <dt>{t('adminOrganisation.form.buyerLegalType')}</dt>
              <dd>{o.buyerLegalType ? legalType(o.buyerLegalType) : t('common.notGiven')}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby="org-users-heading" className="section">
        <h2 id="org-users-heading">{t('adminOrganisation.users')}</h2>
        {view.users.length === 0 ? (
          <p>{t('adminOrganisation.noUsers')}</p>
        ) : (
          <ul className="plain-list">
            {view.users.map((u) => (
              <li key={u.id}>
                {t('adminUsers.nameAndEmail', { name: u.name, email: u.email })}
                {u.removedAt ? ` (${t('adminUsers.removed')})` : u.disabledAt ? ` (${t('adminUsers.disabled')})` : ''}
                {u.roles.includes('signatory') ? ` (${t('adminOrganisation.user.signatory')})` : ''}
                {u.removedAt ? null : (
                  <UserCorrectionForm
                    user={u}
                    onDone={(text) => {
                      setStatus(text);
                      void load().catch((error: unknown) => setLoadProblem(asProblem(error)));
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="running-heading" className="section">
        <h2 id="running-heading">{t('adminOrganisation.running')}</h2>
        <p className="muted">{t('adminOrganisation.runningIntro')}</p>
        {view.runningStatements.length === 0 ? (
          <p>{t('adminOrganisation.noRunning')}</p>
        ) : (
          <ul>
            {view.runningStatements.map((s) => (
              <li key={s.statementId}>
                <Link to={`/statements/${s.statementId}`}>{s.title}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="correct-heading" className="section">
        <h2 id="correct-heading">{t('adminOrganisation.correct')}</h2>
        <form noValidate onSubmit={onSubmit} className="form">
          <ErrorSummary
            problem={submission.problem}
            fieldErrors={submission.fieldErrors}
            summaryRef={submission.summaryRef}
            scope="correct"
            labelFor={labelFor}
          />
          <TextField
            path="name"
            scope="correct"
            label={t('adminOrganisation.form.name')}
            value={name}
            error={submission.errorFor('name')}
            onChange={(e) => setName(e.target.value)}
          />
          {o.kind === 'buyer' ? (
            <>
              <SelectField
                path="country"
                scope="correct"
                label={t('adminOrganisation.form.country')}
                value={country}
                error={submission.errorFor('country')}
                onChange={(e) => setCountry(e.target.value)}
              >
                {buyerCountries.map((c) => (
                  <option key={c} value={c}>
                    {format.country(c)}
                  </option>
                ))}
              </SelectField>
              <SelectField
                path="buyerLegalType"
                scope="correct"
                label={t('adminOrganisation.form.buyerLegalType')}
                hint={t('adminOrganisation.form.buyerLegalTypeHint')}
                value={buyerLegalType}
                error={submission.errorFor('buyerLegalType')}
                onChange={(e) => setBuyerLegalType(e.target.value)}
              >
                {legalTypes.map((code) => (
                  <option key={code} value={code}>
                    {legalType(code)}
                  </option>
                ))}
              </SelectField>
            </>
          ) : (
            <TextField
              path="country"
              scope="correct"
              label={t('adminOrganisation.form.country')}
              hint={t('adminOrganisation.form.countryHint')}
              value={country}
              maxLength={2}
              error={submission.errorFor('country')}
              onChange={(e) => setCountry(e.target.value.toUpperCase())}
            />
          )}
          <TextAreaField
            path="reason"
            scope="correct"
            label={t('adminOrganisation.form.reason')}
            hint={t('adminOrganisation.form.reasonHint')}
            value={reason}
            rows={3}
            required
            error={submission.errorFor('reason')}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="button" disabled={submission.submitting}>
            {t('adminOrganisation.form.submit')}
          </button>
        </form>
      </section>

      <section aria-labelledby="corrections-heading" className="section">
        <h2 id="corrections-heading">{t('adminOrganisation.corrections')}</h2>
        {view.corrections.length === 0 ? (
          <p>{t('adminOrganisation.noCorrections')}</p>
        ) : (
          <ul data-testid="corrections">
            {view.corrections.map((c) => (
              <li key={`${c.at}-${c.reason}`}>
                <p>
                  {t('adminOrganisation.correctionAt', {
                    at: format.dateTime(c.at),
                    count: c.statementsRerun,
                  })}
                </p>
                <ul>
                  {c.changes.map((ch) => (
                    <li key={ch.field}>
                      {t('adminOrganisation.change', {
                        field: t(`adminOrganisation.fields.${ch.field}`),
                        from: showValue(ch, ch.from),
                        to: showValue(ch, ch.to),
                      })}
                    </li>
                  ))}
                </ul>
                <p>{t('adminOrganisation.reasonGiven', { reason: c.reason })}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** One user's name, language and signatory role, corrected with a reason (the server audits it). */
function UserCorrectionForm({ user, onDone }: { user: Schemas['UserAccess']; onDone: (text: string) => void }) {
  const { t } = useTranslation();
  const submission = useSubmission();
  const scope = `user-${user.id}`;
  const [name, setName] = useState(user.name);
  const [locale, setLocale] = useState('');
  const [signatory, setSignatory] = useState(user.roles.includes('signatory'));
  const [reason, setReason] = useState('');

  const labelFor = (path: string) =>
    ({
      name: t('adminOrganisation.user.name'),
      locale: t('adminOrganisation.user.locale'),
      roles: t('adminOrganisation.user.signatory'),
      reason: t('adminOrganisation.form.reason'),
    })[path];

  const validate = (): FieldError[] => correctionReasonErrors(reason, t);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => {
      await call(
        api.PATCH('/api/admin/users/{userId}', {
          params: { path: { userId: user.id } },
          body: {
            ...(name.trim() !== user.name ? { name: name.trim() } : {}),
            ...(locale ? { locale: locale as (typeof locales)[number] } : {}),
            ...(signatory !== user.roles.includes('signatory')
              ? { roles: signatory ? ['signatory' as const] : [] }
              : {}),
            reason: reason.trim(),
          },
        }),
      );
      setReason('');
      onDone(t('adminOrganisation.user.done', { name: name.trim() }));
    });
  };

  return (
    <Disclosure label={t('adminOrganisation.user.correct', { name: user.name })}>
      {() => (
        <form noValidate onSubmit={onSubmit} className="form form--compact">
          <ErrorSummary
            problem={submission.problem}
            fieldErrors={submission.fieldErrors}
            summaryRef={submission.summaryRef}
            scope={scope}
            labelFor={labelFor}
          />
          <TextField
            path="name"
            scope={scope}
            label={t('adminOrganisation.user.name')}
            value={name}
            error={submission.errorFor('name')}
            onChange={(e) => setName(e.target.value)}
          />
          <SelectField
            path="locale"
            scope={scope}
            label={t('adminOrganisation.user.locale')}
            value={locale}
            error={submission.errorFor('locale')}
            onChange={(e) => setLocale(e.target.value)}
          >
            <option value="">{t('adminOrganisation.user.localeUnchanged')}</option>
            {locales.map((l) => (
              <option key={l} value={l} lang={l}>
                {t('language.name', { lng: l })}
              </option>
            ))}
          </SelectField>
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                name="roles"
                checked={signatory}
                onChange={(e) => setSignatory(e.target.checked)}
              />{' '}
              {t('adminOrganisation.user.signatoryHint')}
            </label>
          </div>
          <TextAreaField
            path="reason"
            scope={scope}
            label={t('adminOrganisation.form.reason')}
            value={reason}
            rows={2}
            required
            error={submission.errorFor('reason')}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="button button--secondary" disabled={submission.submitting}>
            {t('adminOrganisation.user.submit', { name: user.name })}
          </button>
        </form>
      )}
    </Disclosure>
  );
}
