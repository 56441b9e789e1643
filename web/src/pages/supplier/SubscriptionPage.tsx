import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, asProblem, call, type ApiProblem, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { useSubmission } from '../../forms/errors';

const split = (value: string) =>
  value
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** A supplier's subscription to demand: CPV prefixes and buyers' countries it hears about. */
export default function SubscriptionPage() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState<Schemas['SubscriptionView'] | undefined>();
  const [loadProblem, setLoadProblem] = useState<ApiProblem | undefined>();
  const [cpv, setCpv] = useState('');
  const [countries, setCountries] = useState('');
  const [saved, setSaved] = useState(false);
  const submission = useSubmission();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/me/subscription')).then(
      (s) => {
        if (!live) return;
        setCurrent(s);
        setCpv(s.cpvPrefixes.join(', '));
        setCountries(s.countries.join(', '));
      },
      (error: unknown) => live && setLoadProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  const labelFor = (path: string) =>
    path.startsWith('cpvPrefixes') ? t('supplier.subscription.cpv') : path.startsWith('countries') ? t('supplier.subscription.countries') : undefined;
  const errorFor = (field: 'cpvPrefixes' | 'countries') => submission.fieldErrors.find((e) => e.path === field || e.path.startsWith(`${field}.`));

  return (
    <>
      <PageHeading>{t('supplier.subscription.title')}</PageHeading>
      <p className="lead">{t('supplier.subscription.intro')}</p>
      {loadProblem ? <ErrorSummary problem={loadProblem} /> : null}
      {!current && !loadProblem ? <Loading /> : null}
      {current ? (
        <>
          <p>{current.active ? t('supplier.subscription.active') : t('supplier.subscription.inactive')}</p>
          <ErrorSummary problem={submission.problem} fieldErrors={submission.fieldErrors} summaryRef={submission.summaryRef} labelFor={labelFor} />
          <StatusMessage focus>{saved ? t('supplier.subscription.saved') : null}</StatusMessage>
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              setSaved(false);
              void submission.submit(
                () => (split(cpv).length === 0 ? [{ path: 'cpvPrefixes', message: t('supplier.subscription.cpvRequired') }] : []),
                async () => {
                  const s = await call(api.PUT('/api/me/subscription', { body: { cpvPrefixes: split(cpv), countries: split(countries) } }));
                  setCurrent(s);
                  setCpv(s.cpvPrefixes.join(', '));
                  setCountries(s.countries.join(', '));
                  setSaved(true);
                },
              );
            }}
          >
            <TextField path="cpvPrefixes" label={t('supplier.subscription.cpv')} hint={t('supplier.subscription.cpvHint')} error={errorFor('cpvPrefixes')} value={cpv} onChange={(e) => setCpv(e.target.value)} />
            <TextField
              path="countries"
              label={t('supplier.subscription.countries')}
              hint={t('supplier.subscription.countriesHint')}
              optional
              error={errorFor('countries')}
              value={countries}
              onChange={(e) => setCountries(e.target.value)}
            />
            <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
              {submission.submitting ? t('common.saving') : t('supplier.subscription.submit')}
            </button>
          </form>
        </>
      ) : null}
    </>
  );
}
