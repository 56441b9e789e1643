import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';

import { FieldShell } from '../../components/Field';
import type { FieldError } from '../../forms/errors';
import { useFormat } from '../../i18n/format';
import { numberProblemMessage, readNumberField } from '../../needs/need-lines';

interface Props extends Omit<ComponentProps<'input'>, 'id' | 'value'> {
  path: string;
  label: string;
  hint?: string;
  optional?: boolean;
  value: string;
  error?: FieldError;
  /** How the value read is shown: an amount in a currency, or a quantity in a unit. */
  shows: { currency: string } | { unit: string };
}

/**
 * An amount or a quantity as the buyer types it, with what it was read as beside it ("= €390,000.00",
 * "= 390 000 H87"), so a number read a thousand times too small or too large is seen at once
 * (issue 18); what could be read two ways says so while it is typed, before any save.
 */
export function NumberField({ path, label, hint, optional, value, error, shows, ...input }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const read = readNumberField(value, format.locale);
  let echo: { text: string; warning: boolean } | undefined;
  if (read?.ok) {
    const v = read.value.toFixed();
    const text =
      'currency' in shows
        ? format.currency(v, shows.currency || 'EUR')
        : `${format.number(v)}${shows.unit.trim() ? ` ${shows.unit.trim().toUpperCase()}` : ''}`;
    echo = { text: `= ${text}`, warning: false };
  } else if (read && !error) {
    // While typed; on saving, the same message becomes the field's error.
    echo = { text: numberProblemMessage(read, format.locale, t), warning: true };
  }
  return (
    <FieldShell path={path} label={label} hint={hint} optional={optional} error={error}>
      {(control) => {
        const echoId = `${control.id}-reads`;
        const describedBy = [control['aria-describedby'], echo ? echoId : undefined].filter(Boolean).join(' ');
        return (
          <>
            <input
              className="input"
              name={path}
              inputMode="decimal"
              autoComplete="off"
              value={value}
              {...input}
              {...control}
              aria-describedby={describedBy || undefined}
            />
            {echo ? (
              <p
                id={echoId}
                className={echo.warning ? 'field__reads field__reads--warning' : 'field__reads'}
                data-testid={`reads-${path}`}
              >
                {echo.warning ? null : <span className="visually-hidden">{t('needs.line.readsAs')} </span>}
                {echo.text}
              </p>
            ) : null}
          </>
        );
      }}
    </FieldShell>
  );
}
