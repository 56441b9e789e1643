import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { CountriesField, CpvPrefixesField } from '../../components/SubscriptionFields';
import { useSubmission } from '../../forms/errors';
import { addOnce, entryOfPath, parseCpvPrefix, placeEntryErrors } from './subscription';

/**
 * A supplier's subscription to demand: CPV prefixes (searched in the CPV 2008 list, or typed)
 * and the buyers' countries it hears about (searched by name), each chosen one removable.
 */
export default function SubscriptionPage() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState<Schemas['SubscriptionView'] | undefined>();
  const [loadProblem, setLoadProblem] = useState<ApiProblem | undefined>();
  const [cpv, setCpv] = useState<string[]>([]);
  const [countries, setCountries] = useState<string[]>([]);
  // What was sent, so the server's "cpvPrefixes[1]" names the entry even after the list changed.
  const [sent, setSent] = useState<{ cpvPrefixes: string[]; countries: string[] } | undefined>();
  const [entryProblem, setEntryProblem] = useState<string | undefined>();
  const [cpvText, setCpvText] = useState('');
  const [saved, setSaved] = useState(false);
  const submission = useSubmission();

  const adopt = (s: Schemas['SubscriptionView']) => {
    setCurrent(s);
    setCpv(s.cpvPrefixes);
    setCountries(s.countries);
  };

  useEffect(() => {
    let live = true;
    call(api.GET('/api/me/subscription')).then(
      (s) => live && adopt(s),
      (error: unknown) => live && setLoadProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  const labelFor = (path: string) => {
    const { field } = entryOfPath(path);
    return field === 'cpvPrefixes'
      ? t('supplier.subscription.cpv')
      : field === 'countries'
        ? t('supplier.subscription.countries')
        : undefined;
  };
  const cpvErrors = [
    ...placeEntryErrors(submission.fieldErrors, 'cpvPrefixes', sent?.cpvPrefixes, cpv, (entry) =>
      t('supplier.subscription.cpvInvalid', { entry }),
    ),
    ...(entryProblem ? [{ path: 'cpvPrefixes', message: entryProblem, index: undefined }] : []),
  ];
  const countryErrors = placeEntryErrors(submission.fieldErrors, 'countries', sent?.countries, countries, (entry) =>
    t('supplier.subscription.countryInvalid', { entry }),
  );

  return (
    <>
      <PageHeading>{t('supplier.subscription.title')}</PageHeading>
      <p className="lead">{t('supplier.subscription.intro')}</p>
      {loadProblem ? <ErrorSummary problem={loadProblem} /> : null}
      {!current && !loadProblem ? <Loading /> : null}
      {current ? (
        <>
          <p>{current.active ? t('supplier.subscription.active') : t('supplier.subscription.inactive')}</p>
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
          <StatusMessage focus>{saved ? t('supplier.subscription.saved') : null}</StatusMessage>
          <form
            noValidate
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              setSaved(false);
              setEntryProblem(undefined);
              // A prefix typed but not yet added goes with the rest.
              const typed = cpvText.trim() ? parseCpvPrefix(cpvText) : undefined;
              const body = { cpvPrefixes: typed ? addOnce(cpv, typed) : cpv, countries };
              void submission.submit(
                () => {
                  if (cpvText.trim() && !typed)
                    return [{ path: 'cpvPrefixes', message: t('supplier.subscription.cpvNotPrefix') }];
                  return body.cpvPrefixes.length === 0
                    ? [{ path: 'cpvPrefixes', message: t('supplier.subscription.cpvRequired') }]
                    : [];
                },
                async () => {
                  setSent(body);
                  const s = await call(api.PUT('/api/me/subscription', { body }));
                  adopt(s);
                  setCpvText('');
                  setSaved(true);
                },
              );
            }}
          >
            <CpvPrefixesField
              path="cpvPrefixes"
              label={t('supplier.subscription.cpv')}
              hint={t('supplier.subscription.cpvHint')}
              errors={cpvErrors}
              text={cpvText}
              onTextChange={(v) => {
                setCpvText(v);
                setEntryProblem(undefined);
              }}
              value={cpv}
              onChange={(v) => {
                setCpv(v);
                setSaved(false);
              }}
              onInvalidEntry={setEntryProblem}
            />
            <CountriesField
              path="countries"
              label={t('supplier.subscription.countries')}
              hint={t('supplier.subscription.countriesHint')}
              optional
              errors={countryErrors}
              value={countries}
              onChange={(v) => {
                setCountries(v);
                setSaved(false);
              }}
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
