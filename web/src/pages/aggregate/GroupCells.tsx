import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { Figure, Withheld } from '../../components/Withheld';
import { useFormat } from '../../i18n/format';
import { Quantities } from '../../reference/Words';

type CpvNode = Schemas['Aggregate']['aggregate']['byCpv'][number];
/** A row's figures as the server discloses them to the viewer (a CPV code, an item, a country, a year). */
export type DemandGroup = Pick<CpvNode, 'buyers' | 'valueEur' | 'withheld' | 'withheldReason'> & {
  quantities?: CpvNode['quantities'];
};

/**
 * Which quantities a row shows before its buyers and value: none, the total per unit, or the firm
 * quantity and the total with the optional quantities, each per unit.
 */
export type QuantityColumns = 'none' | 'total' | 'firmAndTotal';

/** The column names each cell is read under when a `table--stack` table reflows into cards on a phone. */
export interface GroupLabels {
  quantity?: string;
  firm?: string;
  total?: string;
  buyers?: string;
  value?: string;
}

const quantityColumnCount: Record<QuantityColumns, number> = { none: 0, total: 1, firmAndTotal: 2 };

/**
 * The figures of a row, or one cell across them saying why they are withheld (they are withheld
 * together). Only what the server sends is shown: a withheld figure is never derived from others.
 */
export function GroupCells({
  group,
  quantities = 'none',
  labels = {},
}: {
  group: DemandGroup;
  quantities?: QuantityColumns;
  labels?: GroupLabels;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  if (group.withheld || group.valueEur === null) {
    return (
      <td colSpan={quantityColumnCount[quantities] + 2}>
        <Withheld reason={group.withheldReason} />
      </td>
    );
  }
  const amounts = (pick: 'firmQuantity' | 'totalQuantity') => (
    <Figure
      value={group.quantities}
      reason={group.withheldReason}
      show={(q) => <Quantities items={q.map((x) => ({ amount: x[pick], unit: x.unit }))} />}
    />
  );
  return (
    <>
      {quantities === 'total' ? <td data-label={labels.quantity}>{amounts('totalQuantity')}</td> : null}
      {quantities === 'firmAndTotal' ? (
        <>
          <td data-label={labels.firm}>{amounts('firmQuantity')}</td>
          <td data-label={labels.total}>{amounts('totalQuantity')}</td>
        </>
      ) : null}
      <td data-label={labels.buyers}>
        {/* A code with sub-codes: its own lines' buyers are not counted apart from theirs. */}
        {group.buyers === null ? t('aggregate.breakdown.buyersNotApart') : format.number(group.buyers)}
      </td>
      <td data-label={labels.value}>{format.currency(group.valueEur, 'EUR')}</td>
    </>
  );
}
