import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { Withheld, type WithheldReason } from '../../components/Withheld';
import { type Formatter, useFormat } from '../../i18n/format';
import { useQuantityText, useUnitText } from '../../reference/Words';
import { formatCpv } from '../statement/cpv';

export type RuleResult = Schemas['Aggregate']['criticalMass']['results'][number];
type Figures = Schemas['Aggregate']['aggregate'];

/** How far along a rule is, 0–1, for the bar (the text says the exact figures); only for a result that is shown. */
export function ruleProgress(r: { required: number | string; actual: number | string }): number {
  const required = Number(r.required);
  const actual = Number(r.actual);
  if (!(required > 0)) return 1;
  return Math.max(0, Math.min(1, actual / required));
}

function figure(
  r: RuleResult,
  value: number | string,
  format: Formatter,
  quantity: (amount: string | number, unit: string) => string,
): string {
  switch (r.rule) {
    case 'minTotalValueEur':
      return format.currency(String(value), 'EUR');
    case 'minQuantityPerCpv':
      return quantity(value, r.unit);
    default:
      return format.number(value);
  }
}

/** Why a result is withheld: the reason of the figure it is decided on (the total, or the CPV code's). */
function reasonFor(r: RuleResult, figures: Figures | undefined): WithheldReason | null {
  if (r.rule === 'minTotalValueEur') return figures?.totals.withheldReason ?? null;
  if (r.rule === 'minQuantityPerCpv')
    return figures?.byCpv.find((n) => n.cpvCode === r.cpvCode)?.withheldReason ?? null;
  return null;
}

/**
 * The critical-mass meter: one row per rule of the statement, with what is required, what the
 * aggregated demand reaches, the gap, and a bar. The bar is a native <meter> named by its rule;
 * the sentence beside it carries the same figures for every reader. A result decided on a
 * withheld figure shows neither the figure nor whether the rule is met: it says it is withheld.
 */
export function CriticalMassMeter({
  verdict,
  aggregate,
}: {
  verdict: Schemas['Aggregate']['criticalMass'];
  aggregate?: Figures;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const quantity = useQuantityText();
  const unitText = useUnitText();
  if (verdict.results.length === 0) return <p className="muted">{t('aggregate.meter.noRules')}</p>;
  return (
    <ul className="meter-list" data-testid="critical-mass-meter">
      {verdict.results.map((r, i) => {
        const id = `rule-${i}`;
        const name =
          r.rule === 'minQuantityPerCpv'
            ? t('aggregate.meter.rule.minQuantityPerCpv', { cpv: formatCpv(r.cpvCode), unit: unitText(r.unit) })
            : t(`aggregate.meter.rule.${r.rule}`);
        if (r.withheld || r.actual === null || r.met === null || r.gap === null) {
          return (
            <li key={id} className="meter-row meter-row--withheld" data-withheld="true">
              <div className="meter-row__head">
                <span id={`${id}-name`} className="meter-row__name">
                  {name}
                </span>
                <span className="tag tag--neutral">{t('aggregate.meter.withheldTag')}</span>
              </div>
              <p id={`${id}-text`} className="meter-row__text">
                {t('aggregate.meter.withheld', { required: figure(r, r.required, format, quantity) })}{' '}
                <Withheld reason={reasonFor(r, aggregate)} />
              </p>
            </li>
          );
        }
        const progress = ruleProgress({ required: r.required, actual: r.actual });
        return (
          <li key={id} className={`meter-row ${r.met ? 'meter-row--met' : 'meter-row--short'}`}>
            <div className="meter-row__head">
              <span id={`${id}-name`} className="meter-row__name">
                {name}
              </span>
              <span className={`tag ${r.met ? 'tag--done' : 'tag--warning'}`}>
                {r.met ? t('aggregate.meter.met') : t('aggregate.meter.notMet')}
              </span>
            </div>
            <meter
              className="meter-row__bar"
              min={0}
              max={1}
              low={0.999}
              high={0.9999}
              optimum={1}
              value={progress}
              aria-labelledby={`${id}-name`}
              aria-describedby={`${id}-text`}
            />
            <p id={`${id}-text`} className="meter-row__text">
              {r.met
                ? t('aggregate.meter.reached', {
                    actual: figure(r, r.actual, format, quantity),
                    required: figure(r, r.required, format, quantity),
                  })
                : t('aggregate.meter.short', {
                    actual: figure(r, r.actual, format, quantity),
                    required: figure(r, r.required, format, quantity),
                    gap: figure(r, r.gap, format, quantity),
                    percent: format.percent(Math.floor(progress * 100) / 100),
                  })}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
