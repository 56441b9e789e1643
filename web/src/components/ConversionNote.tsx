import { useTranslation } from 'react-i18next';

import { useFormat } from '../i18n/format';

export interface Conversion {
  date: string;
  source: string;
  rates: Record<string, string>;
}

/**
 * The exchange-rate table behind the euro figures beside it: its date and source (the source as
 * recorded, in English), or that every amount was in euro. Printed next to each block of
 * converted figures, so none is read without knowing how it was converted.
 */
export function ConversionNote({ conversion, testId }: { conversion: Conversion | undefined; testId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!conversion) return null;
  return (
    <p className="muted small" data-testid={testId ?? 'conversion-note'}>
      {Object.keys(conversion.rates).length === 0 ? (
        t('aggregate.totals.allEuro')
      ) : (
        <>
          {t('aggregate.totals.conversion', { date: format.date(conversion.date) })}{' '}
          <span lang="en">{conversion.source}</span>
        </>
      )}
    </p>
  );
}
