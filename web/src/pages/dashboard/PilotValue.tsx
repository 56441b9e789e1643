import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { Withheld } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';

type Pilot = Schemas['Pilot'];

/** Aggregated, yet without a value: withheld to protect individual buyers' figures (before aggregation there is none). */
export const pilotValueWithheld = (p: Pilot): boolean => p.aggregatedAt !== null && p.valueEur === null;

/** A pilot's aggregated value: the amount, withheld (said so), or none yet. */
export function PilotValue({ pilot }: { pilot: Pilot }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (pilot.valueEur !== null) {
    const converted = pilot.conversion !== null && pilot.conversion.currencies.length > 0 ? pilot.conversion : null;
    return (
      <>
        {format.currency(pilot.valueEur, 'EUR')}
        {converted ? (
          <span className="muted small" data-testid="pilot-rates">
            {' '}
            {t('aggregate.totals.conversion', { date: format.date(converted.date) })}{' '}
            <span lang="en">{converted.source}</span>
          </span>
        ) : null}
      </>
    );
  }
  return pilotValueWithheld(pilot) ? <Withheld /> : <>{t('dashboard.notAggregated')}</>;
}
