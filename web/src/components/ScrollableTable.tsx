import './ScrollableTable.css';

import { type ReactNode, useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A table that may be wider than its container: a focusable, named region (axe's
 * scrollable-region-focusable; keyboard users scroll it with the arrow keys) with a visible
 * "scroll sideways" cue and an edge shade on each side there is more to scroll to, both only
 * while the table overflows. On a phone a `table--stack` table reflows into cards and never
 * overflows, so neither shows.
 */
export function ScrollableTable({
  labelledBy,
  label,
  children,
}: {
  /** The id of the heading that names the table; or `label`. */
  labelledBy?: string;
  label?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const cueId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState({ left: false, right: false });

  useLayoutEffect(() => {
    const region = ref.current;
    if (!region) return;
    const update = () => {
      const hidden = region.scrollWidth - region.clientWidth;
      // A pixel of slack: zoomed layouts round widths.
      const left = region.scrollLeft > 1;
      const right = hidden - region.scrollLeft > 1;
      setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
    };
    update();
    region.addEventListener('scroll', update, { passive: true });
    const resized = new ResizeObserver(update);
    resized.observe(region);
    if (region.firstElementChild) resized.observe(region.firstElementChild);
    return () => {
      region.removeEventListener('scroll', update);
      resized.disconnect();
    };
  }, []);

  const overflowing = more.left || more.right;
  return (
    <div
      className={[
        'scrollable-table',
        more.left ? 'scrollable-table--more-left' : '',
        more.right ? 'scrollable-table--more-right' : '',
      ]
        .filter(Boolean)
        .join(' ')}
    >
      {overflowing ? (
        <p className="scrollable-table__cue" id={cueId} data-testid="scroll-cue">
          <span aria-hidden="true">↔ </span>
          {t('table.scroll.cue')}
        </p>
      ) : null}
      <div className="scrollable-table__frame">
        <div
          ref={ref}
          className="table-scroll"
          role="region"
          {...(labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': label })}
          {...(overflowing ? { 'aria-describedby': cueId } : {})}
          tabIndex={0}
        >
          {children}
        </div>
      </div>
    </div>
  );
}
