import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { ConversionNote } from '../../components/ConversionNote';
import { anyWithheld, Figure, Withheld, WithheldExplanation } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';

/**
 * What anyone may see of the aggregated demand: totals, by country, and the buyers that agreed
 * to be named. A figure that would reveal one buyer's is withheld and says why (once explained).
 */
export function PublicDemand({ demand }: { demand: Schemas['PublicDemand'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const totals = demand.totals;
  return (
    <section aria-labelledby="public-demand" data-testid="public-demand">
      <h2 id="public-demand">{t('public.demand.title')}</h2>
      {anyWithheld(totals, demand.byCountry) ? <WithheldExplanation /> : null}
      <dl className="facts facts--inline">
        <div>
          <dt>{t('public.demand.value')}</dt>
          <dd data-testid="public-total-value">
            <Figure value={totals.valueEur} reason={totals.withheldReason} show={(v) => format.currency(v, 'EUR')} />
          </dd>
        </div>
        <div>
          <dt>{t('public.demand.buyers')}</dt>
          <dd>
            <Figure value={totals.buyers} reason={totals.withheldReason} show={format.number} />
          </dd>
        </div>
        <div>
          <dt>{t('public.demand.countries')}</dt>
          <dd>{format.number(totals.countries)}</dd>
        </div>
      </dl>
      <ConversionNote conversion={demand.conversion} testId="public-conversion-note" />
      {demand.byCountry.length > 0 ? (
        <div className="table-scroll" role="region" aria-labelledby="public-by-country-caption" tabIndex={0}>
          <table className="table" data-testid="public-by-country">
            <caption id="public-by-country-caption">{t('public.demand.byCountry')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('public.demand.country')}</th>
                <th scope="col">{t('public.demand.buyers')}</th>
                <th scope="col">{t('public.demand.value')}</th>
              </tr>
            </thead>
            <tbody>
              {demand.byCountry.map((c) => (
                <tr key={c.country}>
                  <th scope="row">{format.country(c.country)}</th>
                  {c.withheld || c.valueEur === null ? (
                    <td colSpan={2}>
                      <Withheld reason={c.withheldReason} />
                    </td>
                  ) : (
                    <>
                      <td>
                        <Figure value={c.buyers} reason={c.withheldReason} show={format.number} />
                      </td>
                      <td>{format.currency(c.valueEur, 'EUR')}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p>
        {demand.buyers.length > 0
          ? t('public.demand.named', {
              names: format.list(demand.buyers.map((b) => `${b.name} (${format.country(b.country)})`)),
            })
          : null}{' '}
        {demand.unnamedBuyers > 0 ? t('public.demand.unnamed', { count: demand.unnamedBuyers }) : null}
      </p>
    </section>
  );
}
