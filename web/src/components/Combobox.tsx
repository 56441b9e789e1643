import { type ComponentProps, type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ComboboxOption {
  /** Unique among the options. */
  key: string;
  /** What the field holds once the option is chosen. */
  value: string;
  content: ReactNode;
}

type Control = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true };

interface Props {
  control: Control;
  value: string;
  onChange: (text: string) => void;
  /** Called with the chosen option (after onChange with its value). */
  onChoose?: (option: ComboboxOption) => void;
  search: (query: string, signal: AbortSignal) => Promise<ComboboxOption[]>;
  /** The list's accessible name. */
  listLabel: string;
  minChars?: number;
  /**
   * What to say, visibly, when a search finds nothing ("No CPV code matches 'xyz'"); without it
   * only screen readers hear that there are no suggestions.
   */
  noMatch?: (query: string) => string;
  inputProps?: Omit<ComponentProps<'input'>, 'id' | 'value' | 'onChange' | 'role'>;
}

const DEBOUNCE_MS = 250;

/**
 * A text field with suggestions, following the ARIA 1.2 combobox pattern (list autocomplete,
 * manual selection): typing searches after a short pause; Down and Up move through the
 * suggestions (aria-activedescendant, the focus stays in the field), Enter chooses, Escape
 * closes the list, and a polite status says how many suggestions there are. The text typed
 * is kept as it is when nothing is chosen, so a code can always be typed in full.
 */
export function Combobox({
  control,
  value,
  onChange,
  onChoose,
  search,
  listLabel,
  minChars = 2,
  noMatch,
  inputProps,
}: Props) {
  const { t } = useTranslation();
  const listId = useId();
  const [options, setOptions] = useState<ComboboxOption[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [query, setQuery] = useState<string | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const [unmatched, setUnmatched] = useState<string | undefined>();
  const focused = useRef(false);
  const searchRef = useRef(search);
  searchRef.current = search;
  const noMatchRef = useRef(noMatch);
  noMatchRef.current = noMatch;

  // Search after a pause in typing; a newer query aborts the older request.
  useEffect(() => {
    if (query === undefined) return;
    const q = query.trim();
    if (q.length < minChars) {
      setOptions([]);
      setOpen(false);
      setAnnouncement('');
      setUnmatched(undefined);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchRef.current(q, controller.signal).then(
        (found) => {
          if (controller.signal.aborted) return;
          setOptions(found);
          setActive(-1);
          setOpen(focused.current && found.length > 0);
          const visible = found.length === 0 && noMatchRef.current ? noMatchRef.current(q) : undefined;
          setUnmatched(visible);
          setAnnouncement(
            focused.current
              ? found.length > 0
                ? t('combobox.results', { count: found.length })
                : (visible ?? t('combobox.noResults'))
              : '',
          );
        },
        () => {
          if (controller.signal.aborted) return;
          setOptions([]);
          setOpen(false);
          setUnmatched(undefined);
          setAnnouncement(t('combobox.searchFailed'));
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, minChars, t]);

  useEffect(() => {
    if (active >= 0) document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  const choose = (option: ComboboxOption) => {
    onChange(option.value);
    onChoose?.(option);
    setOpen(false);
    setActive(-1);
    setQuery(undefined);
    setAnnouncement('');
    setUnmatched(undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) {
          if (options.length > 0) {
            setOpen(true);
            setActive(0);
          } else setQuery(value);
        } else setActive((i) => (i + 1) % options.length);
        break;
      case 'ArrowUp':
        if (!open) return;
        event.preventDefault();
        setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
        break;
      case 'Enter':
        if (open && active >= 0 && options[active]) {
          event.preventDefault();
          choose(options[active]);
        }
        break;
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        }
        break;
      case 'Tab':
        setOpen(false);
        break;
    }
  };

  const expanded = open && options.length > 0;
  return (
    <div className="combobox">
      <input
        {...inputProps}
        {...control}
        className="input"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          setQuery(e.target.value);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => {
          focused.current = true;
        }}
        onBlur={() => {
          focused.current = false;
          setOpen(false);
          setActive(-1);
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={listLabel}
        className="combobox__list"
        hidden={!expanded}
        // Keep the focus in the field while an option is clicked.
        onMouseDown={(e) => e.preventDefault()}
      >
        {expanded
          ? options.map((option, i) => (
              <li
                key={option.key}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className="combobox__option"
                onClick={() => choose(option)}
                onMouseMove={() => setActive(i)}
              >
                {option.content}
              </li>
            ))
          : null}
      </ul>
      {/* Shown while the text typed is the one that found nothing; the status below says it too. */}
      {unmatched !== undefined ? (
        <p className="reference-note reference-note--warning combobox__no-match" aria-hidden="true">
          {unmatched}
        </p>
      ) : null}
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
    </div>
  );
}
