import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';

import type { ApiProblem } from '../api/client';
import { type FieldError, fieldId, focusField } from '../forms/errors';

interface Props {
  problem?: ApiProblem;
  fieldErrors?: FieldError[];
  /** The visible label of a field path, to name it in the summary. */
  labelFor?: (path: string) => string | undefined;
  summaryRef?: RefObject<HTMLDivElement | null>;
  /** The `scope` the form's fields were given. */
  scope?: string;
  /** Instead of the problem code's title and help (e.g. "saved, but not ready to submit"). */
  title?: string;
  help?: string;
}

/**
 * The alert region of a form or action: what went wrong (the problem's code, translated, and the
 * server's detail) and a link to each field with an error. It is always in the page, so that
 * its content is announced when it appears; it is focused after a failed submission.
 */
export function ErrorSummary({ problem, fieldErrors = [], labelFor, summaryRef, scope, title, help }: Props) {
  const { t } = useTranslation();
  const visible = Boolean(problem) || fieldErrors.length > 0;
  const code = problem?.code ?? 'invalid_input';
  return (
    <div role="alert" className={visible ? 'alert alert--error' : 'alert alert--empty'} tabIndex={-1} ref={summaryRef}>
      {visible ? (
        <>
          <h2 className="alert__title">{title ?? t(`problem.${code}.title`)}</h2>
          <p>{help ?? t(`problem.${code}.help`)}</p>
          {problem?.detail && fieldErrors.length === 0 ? (
            <p className="alert__detail">
              {t('problem.detailLabel')} <span lang="en">{problem.detail}</span>
            </p>
          ) : null}
          {fieldErrors.length > 0 ? (
            <ul className="alert__list">
              {fieldErrors.map((e) => {
                const label = labelFor?.(e.path);
                const text = (
                  <>
                    {label ? `${label}: ` : ''}
                    <span lang={e.fromServer ? 'en' : undefined}>{e.message}</span>
                  </>
                );
                return (
                  <li key={`${e.path}:${e.message}`}>
                    {label ? (
                      <a
                        href={`#${fieldId(e.path, scope)}`}
                        onClick={(event) => {
                          event.preventDefault();
                          focusField(e.path, scope);
                        }}
                      >
                        {text}
                      </a>
                    ) : (
                      text
                    )}
                  </li>
                );
              })}
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
