import type { ReactNode } from 'react';

import { useSubmission } from '../forms/errors';
import { ErrorSummary } from './ErrorSummary';

/**
 * The row under a list read a page at a time (a statement's participants, its survey's
 * respondents: there may be thousands): a button that reads the next page (`loadNext`) and the
 * problem when that fails. While a page loads the button says so and is aria-disabled; a second
 * press does nothing. `children` stand beside it (e.g. how many are shown).
 */
export function ShowMore({
  loadNext,
  label,
  loadingLabel,
  children,
}: {
  loadNext: () => Promise<void>;
  label: string;
  loadingLabel: string;
  children?: ReactNode;
}) {
  const more = useSubmission();
  return (
    <div className="button-row">
      <ErrorSummary problem={more.problem} summaryRef={more.summaryRef} />
      {children}
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void more.submit(() => [], loadNext)}
        aria-disabled={more.submitting || undefined}
      >
        {more.submitting ? loadingLabel : label}
      </button>
    </div>
  );
}
