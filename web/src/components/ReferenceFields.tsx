import { type ReactNode, useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import type { FieldError } from '../forms/errors';
import { searchCpv, searchUnits, useCpvEntry, useUnitEntry } from '../reference/reference';
import { UnitName } from '../reference/Words';
import { Combobox, type ComboboxOption } from './Combobox';
import { FieldShell } from './Field';

interface Props {
  path: string;
  scope?: string;
  label: ReactNode;
  /** The default hint says how to search; `null` leaves the hint out. */
  hint?: ReactNode;
  error?: FieldError;
  optional?: boolean;
  className?: string;
  value: string;
  onChange: (value: string) => void;
}

const describedBy = (...ids: (string | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

/**
 * A CPV code with search by code ("4326") or by words ("excavator"), against the official
 * CPV 2008 list. Choosing a suggestion fills in the code with its check digit; a typed code
 * shows its official label, or says that the list does not have it or that the check digit
 * differs. Labels are in the interface's language (the list has all 24 EU languages) and marked
 * with theirs; words of another EU language find codes too ("camion", "Bagger"), and a search
 * that finds nothing says so.
 */
export function CpvField({ path, scope, label, hint, error, optional, className, value, onChange }: Props) {
  const { t } = useTranslation();
  const entry = useCpvEntry(value);
  const search = useCallback(
    async (q: string, signal: AbortSignal): Promise<ComboboxOption[]> =>
      (await searchCpv(q, signal)).map((h) => ({
        key: h.code,
        value: `${h.code}-${h.checkDigit}`,
        content: (
          <>
            <span className="mono combobox__code">{`${h.code}-${h.checkDigit}`}</span>{' '}
            <span lang={h.labelLang}>{h.label}</span>
            {h.matchedLabel && h.matchedLang ? (
              <span className="muted">
                {' '}
                (<span lang={h.matchedLang}>{h.matchedLabel}</span>)
              </span>
            ) : null}
          </>
        ),
      })),
    [],
  );
  const typedCheck = /^\d{8}-(\d)$/.exec(value.trim())?.[1];
  return (
    <FieldShell
      {...{
        path,
        scope,
        label,
        hint: hint === undefined ? t('cpv.hint') : hint || undefined,
        error,
        optional,
        className,
      }}
    >
      {(control) => {
        const noteId = `${control.id}-entry`;
        let note: ReactNode = null;
        if (entry.state === 'found') {
          const official = `${entry.entry.code}-${entry.entry.checkDigit}`;
          note =
            typedCheck !== undefined && typedCheck !== entry.entry.checkDigit ? (
              <p id={noteId} className="reference-note reference-note--warning">
                {t('cpv.wrongCheckDigit', { code: official })}{' '}
                <span lang={entry.entry.labelLang}>{entry.entry.label}</span>
              </p>
            ) : (
              <p id={noteId} className="reference-note">
                <span className="visually-hidden">{t('cpv.officialLabel')} </span>
                <span lang={entry.entry.labelLang}>{entry.entry.label}</span>
              </p>
            );
        } else if (entry.state === 'unknown') {
          note = (
            <p id={noteId} className="reference-note reference-note--warning">
              {t('cpv.notInList')}
            </p>
          );
        }
        return (
          <>
            <Combobox
              control={{
                ...control,
                'aria-describedby': describedBy(control['aria-describedby'], note ? noteId : undefined),
              }}
              value={value}
              onChange={onChange}
              search={search}
              listLabel={t('cpv.suggestions')}
              noMatch={(query) => t('cpv.noMatch', { query })}
              inputProps={{ inputMode: 'search', placeholder: t('cpv.placeholder') }}
            />
            {note}
          </>
        );
      }}
    </FieldShell>
  );
}

/** A UN/CEFACT Recommendation 20 unit code, searched by code, symbol or name ("piece", "kg"). */
export function UnitField({ path, scope, label, hint, error, optional, className, value, onChange }: Props) {
  const { t } = useTranslation();
  const entry = useUnitEntry(value);
  const search = useCallback(
    async (q: string, signal: AbortSignal): Promise<ComboboxOption[]> =>
      (await searchUnits(q, signal)).map((u) => ({
        key: u.code,
        value: u.code,
        content: (
          <>
            <span className="mono combobox__code">{u.code}</span>{' '}
            <UnitName unit={u.code} amount={1} englishName={u.name} />
            {u.symbol ? <span className="muted"> ({u.symbol})</span> : null}
          </>
        ),
      })),
    [],
  );
  return (
    <FieldShell
      {...{
        path,
        scope,
        label,
        hint: hint === undefined ? t('unit.hint') : hint || undefined,
        error,
        optional,
        className,
      }}
    >
      {(control) => {
        const noteId = `${control.id}-entry`;
        const note =
          entry.state === 'found' ? (
            <p id={noteId} className="reference-note">
              <span className="visually-hidden">{t('unit.officialName')} </span>
              <UnitName unit={entry.entry.code} amount={1} englishName={entry.entry.name} />
            </p>
          ) : entry.state === 'unknown' ? (
            <p id={noteId} className="reference-note reference-note--warning">
              {t('unit.notInList')}
            </p>
          ) : null;
        return (
          <>
            <Combobox
              control={{
                ...control,
                'aria-describedby': describedBy(control['aria-describedby'], note ? noteId : undefined),
              }}
              value={value}
              onChange={onChange}
              search={search}
              minChars={1}
              listLabel={t('unit.suggestions')}
              inputProps={{ placeholder: t('unit.placeholder') }}
            />
            {note}
          </>
        );
      }}
    </FieldShell>
  );
}
