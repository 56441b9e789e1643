import { useState } from 'react';

import { StatusMessage } from './StatusMessage';

/**
 * A credential the server shows only once (a webhook's signing secret, a feed's secret address),
 * with a button that copies it: the reader is told it will not be shown again.
 */
export function ShownOnceNotice({
  testId,
  inputId,
  value,
  text,
  onDone,
}: {
  testId: string;
  inputId: string;
  value: string;
  text: { heading: string; intro: string; label: string; copy: string; done: string; copied: string };
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice notice--info" data-testid={testId}>
      <h2>{text.heading}</h2>
      <p>{text.intro}</p>
      <label htmlFor={inputId}>{text.label}</label>
      <input id={inputId} className="input" type="text" readOnly value={value} onFocus={(e) => e.target.select()} />
      <p className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {text.copy}
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          {text.done}
        </button>
      </p>
      <StatusMessage>{copied ? text.copied : null}</StatusMessage>
    </div>
  );
}
