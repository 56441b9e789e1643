import { type KeyboardEvent, type ReactNode, useCallback, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { FieldError } from '../forms/errors';
import { useFormat } from '../i18n/format';
import { addOnce, coveredBy, parseCpvPrefix, prefixNode, searchCountries } from '../pages/supplier/subscription';
import { searchCpv, useCpvEntry } from '../reference/reference';
import { Combobox, type ComboboxOption } from './Combobox';
import { FieldShell } from './Field';

/** An error about one entry of the list (its index in what was sent), or about the list. */
export type EntryError = FieldError & { index: number | undefined };

interface ListFieldProps {
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Errors about the list or its entries; shown beside the field, naming the entry. */
  errors: EntryError[];
  optional?: boolean;
  value: string[];
  onChange: (value: string[]) => void;
}

/**
 * What the chosen-list fields share: a search field (combobox) above the chosen entries, each a
 * chip with a remove button. Choosing a suggestion adds it and empties the field; the focus stays
 * in the field; a polite status says what was added or removed. Removing moves the focus to the
 * next chip, or back to the field.
 */
function ChosenList({
  path,
  label,
  hint,
  errors,
  optional,
  value,
  onChange,
  chosenLabel,
  emptyText,
  renderEntry,
  entryName,
  children,
}: ListFieldProps & {
  chosenLabel: string;
  emptyText: string;
  renderEntry: (entry: string, index: number) => ReactNode;
  /** How an entry is named in the remove button and the announcements. */
  entryName: (entry: string) => string;
  children: (
    control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true },
    add: (entry: string) => void,
  ) => ReactNode;
}) {
  const { t } = useTranslation();
  const listId = useId();
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  // One message beside the field, naming the entries that are wrong.
  const shown: FieldError | undefined =
    errors.length === 0
      ? undefined
      : { path, message: errors.map((e) => e.message).join(' '), fromServer: errors.every((e) => e.fromServer) };
  const add = (entry: string) => {
    onChange(addOnce(value, entry));
    setAnnouncement(
      value.includes(entry)
        ? t('supplier.subscription.alreadyChosen', { entry: entryName(entry) })
        : t('supplier.subscription.added', { entry: entryName(entry) }),
    );
  };
  const remove = (index: number, fieldId: string) => {
    const entry = value[index]!;
    onChange(value.filter((_, i) => i !== index));
    setAnnouncement(t('supplier.subscription.removed', { entry: entryName(entry) }));
    requestAnimationFrame(() => {
      const buttons = listRef.current?.querySelectorAll<HTMLButtonElement>('button.chip__remove');
      const next = buttons && buttons.length > 0 ? buttons[Math.min(index, buttons.length - 1)] : undefined;
      (next ?? document.getElementById(fieldId))?.focus();
    });
  };
  return (
    <FieldShell {...{ path, label, hint, error: shown, optional }}>
      {(control) => (
        <>
          {children(control, add)}
          <p id={`${listId}-label`} className="chosen__label">
            {chosenLabel}
          </p>
          {value.length === 0 ? (
            <p className="muted chosen__empty">{emptyText}</p>
          ) : (
            <ul ref={listRef} className="chips chosen" aria-labelledby={`${listId}-label`}>
              {value.map((entry, i) => {
                const wrong = errors.some((e) => e.index === i);
                return (
                  <li key={entry} className={wrong ? 'chip chip--error' : 'chip'} data-entry={entry}>
                    {renderEntry(entry, i)}
                    <button type="button" className="chip__remove" onClick={() => remove(i, control.id)}>
                      <span aria-hidden="true">×</span>
                      <span className="visually-hidden">
                        {t('supplier.subscription.remove', { entry: entryName(entry) })}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          <p role="status" className="visually-hidden">
            {announcement}
          </p>
        </>
      )}
    </FieldShell>
  );
}

/** A chosen CPV prefix with the official label of the node it names, when the list has one. */
function CpvPrefixEntry({ prefix, covered }: { prefix: string; covered: string | undefined }) {
  const { t } = useTranslation();
  const entry = useCpvEntry(prefixNode(prefix));
  return (
    <span className="chip__text">
      <span className="mono chip__code">{prefix}</span>
      {entry.state === 'found' ? (
        <>
          {' '}
          <span lang={entry.entry.labelLang}>{entry.entry.label}</span>
        </>
      ) : null}
      {covered ? <span className="muted"> {t('supplier.subscription.covered', { prefix: covered })}</span> : null}
    </span>
  );
}

/**
 * CPV prefixes for a subscription: search the official list by code ("4326") or words
 * ("loaders") and choose an entry, which adds the prefix it stands for (43260000-3 → 4326: that
 * node and everything under it); or type 2 to 8 digits and press Enter or Add.
 */
export function CpvPrefixesField({
  text,
  onTextChange: setText,
  onInvalidEntry,
  ...props
}: ListFieldProps & {
  /** What is typed in the search field (the page adds a valid prefix left there when the form is sent). */
  text: string;
  onTextChange: (text: string) => void;
  onInvalidEntry: (message: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const { value } = props;
  const search = useCallback(
    async (q: string, signal: AbortSignal): Promise<ComboboxOption[]> =>
      (await searchCpv(q, signal)).map((h) => ({
        key: h.code,
        value: `${h.code}-${h.checkDigit}`,
        content: (
          <>
            <span className="mono combobox__code">{`${h.code}-${h.checkDigit}`}</span>{' '}
            <span lang={h.labelLang}>{h.label}</span>
          </>
        ),
      })),
    [],
  );
  return (
    <ChosenList
      {...props}
      chosenLabel={t('supplier.subscription.cpvChosen')}
      emptyText={t('supplier.subscription.cpvNone')}
      entryName={(p) => p}
      renderEntry={(p) => <CpvPrefixEntry prefix={p} covered={coveredBy(p, value)} />}
    >
      {(control, add) => {
        const addTyped = () => {
          if (!text.trim()) return;
          const prefix = parseCpvPrefix(text);
          if (!prefix) {
            onInvalidEntry(t('supplier.subscription.cpvNotPrefix'));
            return;
          }
          onInvalidEntry(undefined);
          add(prefix);
          setText('');
        };
        const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
          // Enter on a highlighted suggestion is the combobox's; otherwise it adds what is typed
          // instead of sending the form.
          if (e.key === 'Enter' && !e.defaultPrevented && (e.target as HTMLElement).id === control.id) {
            e.preventDefault();
            addTyped();
          }
        };
        return (
          <div className="chooser" onKeyDown={onKeyDown}>
            <Combobox
              control={control}
              value={text}
              onChange={setText}
              onChoose={(option) => {
                const prefix = parseCpvPrefix(option.value);
                if (prefix) {
                  onInvalidEntry(undefined);
                  add(prefix);
                }
                setText('');
              }}
              search={search}
              listLabel={t('cpv.suggestions')}
              noMatch={(query) => t('cpv.noMatch', { query })}
              inputProps={{ inputMode: 'search', placeholder: t('cpv.placeholder') }}
            />
            <button type="button" className="button button--secondary" onClick={addTyped}>
              {t('supplier.subscription.add')}
            </button>
          </div>
        );
      }}
    </ChosenList>
  );
}

/**
 * Buyers' countries for a subscription: the EU and EEA countries, searched by name in the
 * interface language or by code; Down with an empty field lists them all.
 */
export function CountriesField(props: ListFieldProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [text, setText] = useState('');
  const { value } = props;
  const valueRef = useRef(value);
  valueRef.current = value;
  const search = useCallback(
    async (q: string): Promise<ComboboxOption[]> =>
      searchCountries(q, format.country, format.locale, valueRef.current).map((code) => ({
        key: code,
        value: code,
        content: (
          <>
            {format.country(code)} <span className="muted mono">{code}</span>
          </>
        ),
      })),
    [format],
  );
  const nameOf = (code: string) => `${format.country(code)} (${code})`;
  return (
    <ChosenList
      {...props}
      chosenLabel={t('supplier.subscription.countriesChosen')}
      emptyText={t('supplier.subscription.countriesNone')}
      entryName={nameOf}
      renderEntry={(code) => (
        <span className="chip__text">
          {format.country(code)} <span className="muted mono">{code}</span>
        </span>
      )}
    >
      {(control, add) => (
        <div
          className="chooser"
          onKeyDown={(e) => {
            // Enter without a highlighted suggestion must not send the form half-chosen.
            if (e.key === 'Enter' && !e.defaultPrevented && (e.target as HTMLElement).id === control.id)
              e.preventDefault();
          }}
        >
          <Combobox
            control={control}
            value={text}
            onChange={setText}
            onChoose={(option) => {
              add(option.value);
              setText('');
            }}
            search={search}
            minChars={0}
            listLabel={t('supplier.subscription.countrySuggestions')}
            inputProps={{ placeholder: t('supplier.subscription.countriesPlaceholder') }}
          />
        </div>
      )}
    </ChosenList>
  );
}
