import type { ComponentProps, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { type FieldError, fieldId } from '../forms/errors';

interface FieldShellProps {
  /** The field's path in the request (`title`, `schedule.deliveryToYear`); gives the element id. */
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError;
  /** Shown after the label, e.g. "(optional)". */
  optional?: boolean;
  className?: string;
  /** Hides the label visually (rows whose column header says it); it stays the accessible name. */
  labelHidden?: boolean;
  /** Prefix for the element id when the same request field appears in more than one form on a page. */
  scope?: string;
  children: (control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}

/**
 * A labelled control with its hint and error tied to it by aria-describedby, so a screen
 * reader reads the label, the hint and the error together.
 */
export function FieldShell({
  path,
  label,
  hint,
  error,
  optional,
  className,
  labelHidden,
  scope,
  children,
}: FieldShellProps) {
  const { t } = useTranslation();
  const id = fieldId(path, scope);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'field--error' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={labelHidden ? 'visually-hidden' : 'field__label'}>
        {label}
        {optional ? <span className="field__optional"> {t('form.optional')}</span> : null}
      </label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? <ErrorMessage id={errorId!} error={error} /> : null}
      {children({ id, 'aria-describedby': describedBy, ...(error ? { 'aria-invalid': true as const } : {}) })}
    </div>
  );
}

export function ErrorMessage({ id, error }: { id: string; error: FieldError }) {
  const { t } = useTranslation();
  return (
    <p id={id} className="field__error">
      <span className="visually-hidden">{t('form.errorPrefix')} </span>
      <span lang={error.fromServer ? 'en' : undefined}>{error.message}</span>
    </p>
  );
}

type Common = Omit<FieldShellProps, 'children'>;

export function TextField({
  path,
  label,
  hint,
  error,
  optional,
  className,
  labelHidden,
  scope,
  ...input
}: Common & Omit<ComponentProps<'input'>, 'id'>) {
  return (
    <FieldShell {...{ path, label, hint, error, optional, className, labelHidden, scope }}>
      {(control) => <input className="input" name={path} {...input} {...control} />}
    </FieldShell>
  );
}

export function TextAreaField({
  path,
  label,
  hint,
  error,
  optional,
  className,
  labelHidden,
  scope,
  ...input
}: Common & Omit<ComponentProps<'textarea'>, 'id'>) {
  return (
    <FieldShell {...{ path, label, hint, error, optional, className, labelHidden, scope }}>
      {(control) => <textarea className="input textarea" name={path} rows={5} {...input} {...control} />}
    </FieldShell>
  );
}

export function SelectField({
  path,
  label,
  hint,
  error,
  optional,
  className,
  labelHidden,
  scope,
  children,
  ...input
}: Common & Omit<ComponentProps<'select'>, 'id'>) {
  return (
    <FieldShell {...{ path, label, hint, error, optional, className, labelHidden, scope }}>
      {(control) => (
        <select className="input select" name={path} {...input} {...control}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}
