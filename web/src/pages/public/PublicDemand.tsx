import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { ConversionNote } from '../../components/ConversionNote';
import { ScrollableTable } from '../../components/ScrollableTable';
import { anyWithheld, Figure, WithheldExplanation } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';
import { CpvName } from '../../reference/Words';
import { GroupCells } from '../aggregate/GroupCells';

type Demand = Schemas['PublicDemand'];

/**
 * What anyone may see of the aggregated demand: totals, by CPV code (with the quantities per
 * unit), by country, by year of delivery, and the buyers that agreed to be named. A figure that
 * would reveal one buyer's is withheld and says why (once explained); the page shows what the
 * server sends and never works a withheld figure out from the others.
 */
export function PublicDemand({ demand }: { demand: Demand }) {
  const { t } = useTranslation();
  const format = useFormat();
  const totals = demand.totals;
  return (
    <section aria-labelledby="public-demand" data-testid="public-demand">
      <h2 id="public-demand">{t('public.demand.title')}</h2>
      {anyWithheld(totals, demand.byCpv, demand.byCountry, demand.byDeliveryYear) ? <WithheldExplanation /> : null}
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
      <ByCpv demand={demand} />
      <ByCountry demand={demand} />
      <ByYear demand={demand} />
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

/** How deep a CPV code sits in the tree the server sends (its parents among the rows), for indenting it. */
function depths(nodes: Demand['byCpv']): Map<string, number> {
  const parent = new Map(nodes.map((n) => [n.cpvCode, n.parentCode]));
  const depth = new Map<string, number>();
  for (const n of nodes) {
    let d = 0;
    for (let p = n.parentCode; p !== null && parent.has(p) && d < nodes.length; p = parent.get(p) ?? null) d += 1;
    depth.set(n.cpvCode, d);
  }
  return depth;
}

/** The CPV tree as the server gives it (division down to code, each under its parent): quantities per unit, buyers, value. */
function ByCpv({ demand }: { demand: Demand }) {
  const { t } = useTranslation();
  if (demand.byCpv.length === 0) return null;
  const depth = depths(demand.byCpv);
  const labels = {
    firm: t('public.demand.firmQuantity'),
    total: t('public.demand.totalQuantity'),
    buyers: t('public.demand.buyers'),
    value: t('public.demand.value'),
  };
  return (
    <>
      <h3 id="public-by-cpv-heading">{t('public.demand.byCpv')}</h3>
      <ScrollableTable labelledBy="public-by-cpv-heading">
        <table className="table table--stack" data-testid="public-by-cpv">
          <thead>
            <tr>
              <th scope="col">{t('public.demand.cpv')}</th>
              <th scope="col">{labels.firm}</th>
              <th scope="col">{labels.total}</th>
              <th scope="col">{labels.buyers}</th>
              <th scope="col">{labels.value}</th>
            </tr>
          </thead>
          <tbody>
            {demand.byCpv.map((n) => (
              <tr key={n.cpvCode} data-cpv={n.cpvCode} data-level={n.level}>
                <th scope="row">
                  <span
                    className="cpv-tree"
                    style={{ display: 'block', paddingInlineStart: `${(depth.get(n.cpvCode) ?? 0) * 0.75}rem` }}
                  >
                    <CpvName code={n.cpvCode} />
                  </span>
                </th>
                <GroupCells group={n} quantities="firmAndTotal" labels={labels} />
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
    </>
  );
}

/** The demand by the buyers' country: buyers and value. */
function ByCountry({ demand }: { demand: Demand }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (demand.byCountry.length === 0) return null;
  const labels = { buyers: t('public.demand.buyers'), value: t('public.demand.value') };
  return (
    <>
      <h3 id="public-by-country-heading">{t('public.demand.byCountry')}</h3>
      <ScrollableTable labelledBy="public-by-country-heading">
        <table className="table table--stack" data-testid="public-by-country">
          <thead>
            <tr>
              <th scope="col">{t('public.demand.country')}</th>
              <th scope="col">{labels.buyers}</th>
              <th scope="col">{labels.value}</th>
            </tr>
          </thead>
          <tbody>
            {demand.byCountry.map((c) => (
              <tr key={c.country}>
                <th scope="row">{format.country(c.country)}</th>
                <GroupCells group={c} labels={labels} />
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
    </>
  );
}

/** The demand by the year its deliveries fall in: buyers and value. */
function ByYear({ demand }: { demand: Demand }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (demand.byDeliveryYear.length === 0) return null;
  const labels = { buyers: t('public.demand.buyers'), value: t('public.demand.value') };
  return (
    <>
      <h3 id="public-by-year-heading">{t('public.demand.byYear')}</h3>
      <ScrollableTable labelledBy="public-by-year-heading">
        <table className="table table--stack" data-testid="public-by-year">
          <thead>
            <tr>
              <th scope="col">{t('public.demand.year')}</th>
              <th scope="col">{labels.buyers}</th>
              <th scope="col">{labels.value}</th>
            </tr>
          </thead>
          <tbody>
            {demand.byDeliveryYear.map((y) => (
              <tr key={y.year}>
                <th scope="row">{format.year(y.year)}</th>
                <GroupCells group={y} labels={labels} />
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
    </>
  );
}
