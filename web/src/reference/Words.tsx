import { unitNameFor } from '@jointdemand/rules/unit-names';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';

import { useFormat } from '../i18n/format';
import { useCpvEntry, useUnitEntry } from './reference';

/**
 * Reference codes in words, in the interface's language (issue 18, "Words everywhere"): a CPV
 * code with its label (the list has all 24 EU languages), a quantity with its unit's name.
 * Each word is marked with the language it is in, so a name only English has reads as English.
 */

/** A CPV code with its check digit and label, once the list has answered; the code alone until then. */
export function CpvName({ code, showCode = true }: { code: string; showCode?: boolean }) {
  const entry = useCpvEntry(code);
  if (entry.state !== 'found') return <span className="mono">{code}</span>;
  return (
    <span className="cpv-name">
      {showCode ? (
        <>
          <span className="mono">{`${entry.entry.code}-${entry.entry.checkDigit}`}</span>{' '}
        </>
      ) : null}
      <span lang={entry.entry.labelLang}>{entry.entry.label}</span>
    </span>
  );
}

/** Several CPV codes, one after the other, each with its label. */
export function CpvNames({ codes }: { codes: readonly string[] }) {
  return (
    <>
      {codes.map((code, i) => (
        <Fragment key={code}>
          {i > 0 ? '; ' : null}
          <CpvName code={code} />
        </Fragment>
      ))}
    </>
  );
}

/**
 * The unit's name for the amount in the interface's language, else Rec 20's English name (marked;
 * `englishName` when the caller has it, else looked up), else the code.
 */
export function UnitName({
  unit,
  amount = 2,
  englishName,
}: {
  unit: string;
  amount?: string | number;
  englishName?: string;
}) {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const own = unitNameFor(unit, amount, locale, englishName);
  const entry = useUnitEntry(own.lang === undefined ? unit : '');
  const name =
    own.lang === undefined && entry.state === 'found' ? unitNameFor(unit, amount, locale, entry.entry.name) : own;
  return name.lang === undefined ? (
    <abbr className="mono">{name.text}</abbr>
  ) : (
    <span lang={name.lang === locale ? undefined : name.lang}>{name.text}</span>
  );
}

/** "9 pieces", "9 pièces", "9 Stück". */
export function Quantity({ amount, unit }: { amount: string | number; unit: string }) {
  const format = useFormat();
  return (
    <span className="quantity">
      {format.number(amount)} <UnitName unit={unit} amount={amount} />
    </span>
  );
}

/** Several quantities as a list in the language ("9 pieces and 2 tonnes"). */
export function Quantities({ items }: { items: readonly { amount: string | number; unit: string }[] }) {
  const format = useFormat();
  // Intl.ListFormat's separators around placeholders, so each quantity keeps its markup.
  const parts = format.list(items.map((_, i) => `\u0000${i}\u0000`)).split('\u0000');
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <Quantity key={`q${part}`} amount={items[Number(part)]!.amount} unit={items[Number(part)]!.unit} />
        ) : (
          part
        ),
      )}
    </>
  );
}

/**
 * For text that cannot carry markup (a chart's label, a sentence's placeholder): the quantity in
 * words where the platform names the unit in the interface's language, else with the unit's code.
 */
export function useQuantityText(): (amount: string | number, unit: string) => string {
  const { i18n } = useTranslation();
  const format = useFormat();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (amount, unit) => `${format.number(amount)} ${unitNameFor(unit, amount, locale).text}`;
}

/** For text that cannot carry markup: the unit's name for an amount in the interface's language, else its code. */
export function useUnitText(): (unit: string, amount?: string | number) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (unit, amount = 2) => unitNameFor(unit, amount, locale).text;
}
