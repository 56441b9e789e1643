import { type ReactNode, useId, useRef, useState } from 'react';

/**
 * A button that shows and hides a panel (aria-expanded / aria-controls). The panel receives
 * `close`, which returns the focus to the button.
 */
export function Disclosure({
  label,
  children,
  variant = 'secondary',
}: {
  label: string;
  children: (close: () => void) => ReactNode;
  variant?: 'secondary' | 'danger' | 'primary';
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  return (
    <div className="disclosure">
      <button
        ref={buttonRef}
        type="button"
        className={`button button--${variant}`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      <div id={panelId} className="disclosure__panel" hidden={!open}>
        {open ? children(close) : null}
      </div>
    </div>
  );
}
