import { disclosureRules } from '@jointdemand/rules/disclosure';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { Schemas } from '../api/client';
import { useFormat } from '../i18n/format';

/**
 * Figures withheld by statistical disclosure control (the server decides, per viewer: see
 * domain/disclosure/ and ../shared/design.md § Confidentiality). A withheld figure is said
 * plainly, with its reason, never left blank or shown as 0; each page explains once why.
 */
export type WithheldReason = NonNullable<Schemas['Aggregate']['aggregate']['totals']['withheldReason']>;

/** The server's primary rules (`@jointdemand/rules/disclosure`, applied in domain/disclosure/), for the explanation. */
const rules = { minBuyers: disclosureRules.minContributors, dominanceShare: disclosureRules.dominanceShare } as const;

/** What one withheld figure says: why it is withheld, or that it protects buyers' figures when no reason is given. */
export function Withheld({ reason }: { reason?: WithheldReason | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const text =
    reason === 'fewer-buyers'
      ? t('disclosure.withheld.fewerBuyers', { min: format.number(rules.minBuyers) })
      : reason === 'dominance'
        ? t('disclosure.withheld.dominance')
        : reason === 'complementary'
          ? t('disclosure.withheld.complementary')
          : t('disclosure.withheld.protected');
  return (
    <span className="withheld" data-withheld={reason ?? 'protected'}>
      {text}
    </span>
  );
}

/** A figure that may be withheld: `show` formats it when it is there. */
export function Figure<T>({
  value,
  reason,
  show,
}: {
  value: T | null | undefined;
  reason?: WithheldReason | null;
  show: (value: T) => ReactNode;
}) {
  return value === null || value === undefined ? <Withheld reason={reason} /> : <>{show(value)}</>;
}

/** Once per page where something is withheld: why figures are withheld, and (for participants) that the lead sees them all. */
export function WithheldExplanation({ leadSeesAll = false }: { leadSeesAll?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="notice notice--info" data-testid="withheld-explanation">
      <p>
        {t('disclosure.explanation', {
          min: format.number(rules.minBuyers),
          share: format.percent(rules.dominanceShare),
        })}
        {leadSeesAll ? ` ${t('disclosure.leadSeesAll')}` : ''}
      </p>
    </div>
  );
}

/** Whether any group of a table set is withheld. */
export const anyWithheld = (
  ...groups: ({ withheld: boolean }[] | { withheld: boolean } | null | undefined)[]
): boolean => groups.some((g) => (Array.isArray(g) ? g.some((x) => x.withheld) : Boolean(g?.withheld)));
