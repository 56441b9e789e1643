import { isLocale, type Locale } from '@jointdemand/rules/locales';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { type FieldError, useSubmission } from '../../forms/errors';
import { textCharacterError, textMaxLength } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';
import { supplierCountryChoices } from './supplier-countries';

/** A supplier registers its organisation and itself; the e-mailed link confirms the address and signs in. */
export default function RegisterPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const countries = useMemo(() => {
    const names = new Intl.DisplayNames([format.locale], { type: 'region', fallback: 'none' });
    return supplierCountryChoices((code) => names.of(code), format.locale);
  }, [format.locale]);
  const [v, setV] = useState({ organisation: '', country: '', sme: false, name: '', email: '' });
  const [sentTo, setSentTo] = useState<string | undefined>();
  const submission = useSubmission();
  const set = (field: keyof typeof v) => (e: { target: { value: string } }) =>
    setV((c) => ({ ...c, [field]: e.target.value }));

  const validate = (): FieldError[] => {
    const out: FieldError[] = [];
    const organisationCharacters = textCharacterError('name', v.organisation, t);
    if (organisationCharacters) out.push({ path: 'organisation.name', message: organisationCharacters });
    else if (v.organisation.trim().length < 2)
      out.push({ path: 'organisation.name', message: t('supplier.register.errors.organisation') });
    if (!/^[A-Z]{2}$/.test(v.country))
      out.push({ path: 'organisation.country', message: t('supplier.register.errors.country') });
    const nameCharacters = textCharacterError('name', v.name, t);
    if (nameCharacters) out.push({ path: 'user.name', message: nameCharacters });
    else if (!v.name.trim()) out.push({ path: 'user.name', message: t('supplier.register.errors.name') });
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim()))
      out.push({ path: 'user.email', message: t('signIn.errors.emailInvalid') });
    return out;
  };
  const labelFor = (path: string) =>
    ({
      'organisation.name': t('supplier.register.organisation'),
      'organisation.country': t('supplier.register.country'),
      'organisation.sme': t('supplier.register.sme'),
      'user.name': t('supplier.register.name'),
      'user.email': t('signIn.email'),
    })[path];

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const language = i18n.language.slice(0, 2);
    const locale: Locale = isLocale(language) ? language : 'en';
    await submission.submit(validate, async () => {
      await call(
        api.POST('/api/suppliers', {
          body: {
            organisation: { name: v.organisation.trim(), country: v.country, sme: v.sme },
            user: { name: v.name.trim(), email: v.email.trim(), locale },
          },
        }),
      );
      setSentTo(v.email.trim());
    });
  };

  return (
    <div className="narrow">
      <PageHeading>{t('supplier.register.title')}</PageHeading>
      {sentTo ? (
        <StatusMessage focus>{t('supplier.register.sent', { email: sentTo })}</StatusMessage>
      ) : (
        <>
          <p className="lead">{t('supplier.register.intro')}</p>
          <ErrorSummary
            problem={submission.problem}
            fieldErrors={submission.fieldErrors}
            summaryRef={submission.summaryRef}
            labelFor={labelFor}
          />
          <form noValidate onSubmit={(e) => void onSubmit(e)} className="form">
            <fieldset className="form-section">
              <legend className="form-section__legend">{t('supplier.register.companySection')}</legend>
              <TextField
                path="organisation.name"
                label={t('supplier.register.organisation')}
                error={submission.errorFor('organisation.name')}
                value={v.organisation}
                onChange={set('organisation')}
                autoComplete="organization"
                maxLength={textMaxLength('name')}
              />
              <SelectField
                path="organisation.country"
                label={t('supplier.register.country')}
                hint={t('supplier.register.countryHint')}
                error={submission.errorFor('organisation.country')}
                value={v.country}
                onChange={set('country')}
                autoComplete="country"
              >
                <option value="">{t('supplier.register.chooseCountry')}</option>
                <optgroup label={t('supplier.register.participatingCountries')}>
                  {countries.participating.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t('supplier.register.otherCountries')}>
                  {countries.others.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
              </SelectField>
              <div className="field">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    name="organisation.sme"
                    checked={v.sme}
                    onChange={(e) => setV((c) => ({ ...c, sme: e.target.checked }))}
                  />{' '}
                  {t('supplier.register.sme')}
                </label>
              </div>
            </fieldset>
            <fieldset className="form-section">
              <legend className="form-section__legend">{t('supplier.register.personSection')}</legend>
              <TextField
                path="user.name"
                label={t('supplier.register.name')}
                error={submission.errorFor('user.name')}
                value={v.name}
                onChange={set('name')}
                autoComplete="name"
                maxLength={textMaxLength('name')}
              />
              <TextField
                path="user.email"
                type="email"
                label={t('signIn.email')}
                hint={t('supplier.register.emailHint')}
                error={submission.errorFor('user.email')}
                value={v.email}
                onChange={set('email')}
                autoComplete="email"
              />
            </fieldset>
            <p className="button-row">
              <button
                type="submit"
                className="button button--primary"
                aria-disabled={submission.submitting || undefined}
              >
                {submission.submitting ? t('signIn.sending') : t('supplier.register.submit')}
              </button>
            </p>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">{t('supplier.register.haveAccount')}</Link>
      </p>
    </div>
  );
}
