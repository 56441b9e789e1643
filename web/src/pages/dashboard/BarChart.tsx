/**
 * A horizontal bar chart as a list of labelled meters: each bar is a native <meter> named by its
 * label and described by its figure, so screen readers read the same numbers the bars show.
 */
export interface Bar {
  key: string;
  label: string;
  value: number;
  /** The figure as people read it (formatted money, a count). */
  text: string;
}

/** `selected`: the key of a bar to highlight (the dashboard's stage filter), marked for screen readers too. */
export function BarChart({ id, bars, selected }: { id: string; bars: Bar[]; selected?: string | undefined }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <ul className="meter-list" aria-labelledby={`${id}-heading`}>
      {bars.map((b) => (
        <li
          key={b.key}
          className={`meter-row meter-row--met${b.key === selected ? ' meter-row--selected' : ''}`}
          aria-current={b.key === selected ? 'true' : undefined}
        >
          <div className="meter-row__head">
            <span id={`${id}-${b.key}-name`} className="meter-row__name">
              {b.key === selected ? <strong>{b.label}</strong> : b.label}
            </span>
            <span id={`${id}-${b.key}-text`} className="meter-row__text">
              {b.text}
            </span>
          </div>
          <meter
            className="meter-row__bar"
            min={0}
            max={max}
            value={b.value}
            aria-labelledby={`${id}-${b.key}-name`}
            aria-describedby={`${id}-${b.key}-text`}
          />
        </li>
      ))}
    </ul>
  );
}
