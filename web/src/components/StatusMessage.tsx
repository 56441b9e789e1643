import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A success or information message in a polite live region. With `focus`, it also takes the
 * focus when it appears, so the keyboard user lands where the result is.
 */
export function StatusMessage({
  children,
  tone = 'success',
  focus = false,
}: {
  children?: ReactNode;
  tone?: 'success' | 'info';
  focus?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const present = Boolean(children);
  useEffect(() => {
    if (present && focus) ref.current?.focus();
  }, [present, focus, children]);
  return (
    <div role="status" ref={ref} tabIndex={-1} className={present ? `notice notice--${tone}` : 'notice notice--empty'}>
      {children}
    </div>
  );
}
