import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';

/** What anyone may see of the aggregated demand: totals, by country, and the buyers that agreed to be named. */
export function PublicDemand({ demand }: { demand: Schemas['PublicDemand'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="public-demand">
      <h2 id="public-demand">{t('public.demand.title')}</h2>
      <dl className="facts facts--inline">
        <div>
          <dt>{t('public.demand.value')}</dt>
          <dd>{format.currency(demand.totals.valueEur, 'EUR')}</dd>
        </div>
        <div>
          <dt>{t('public.demand.buyers')}</dt>
          <dd>{format.number(demand.totals.buyers)}</dd>
        </div>
        <div>
          <dt>{t('public.demand.countries')}</dt>
          <dd>{format.number(demand.totals.countries)}</dd>
        </div>
      </dl>
      {demand.byCountry.length > 0 ? (
        <table className="table">
          <caption>{t('public.demand.byCountry')}</caption>
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
                <td>{format.number(c.buyers)}</td>
                <td>{c.valueEur === null ? t('public.demand.withheld') : format.currency(c.valueEur, 'EUR')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p>
        {demand.buyers.length > 0
          ? t('public.demand.named', { names: format.list(demand.buyers.map((b) => `${b.name} (${format.country(b.country)})`)) })
          : null}{' '}
        {demand.unnamedBuyers > 0 ? t('public.demand.unnamed', { count: demand.unnamedBuyers }) : null}
      </p>
    </section>
  );
}
