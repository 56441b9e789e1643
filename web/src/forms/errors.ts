import { useCallback, useEffect, useRef, useState } from 'react';

import { ApiProblem, asProblem } from '../api/client';
import { useSession } from '../auth/session';
import type { FieldError } from './field-error';

export type { FieldError };

/** The id of the element for a field path, so the error summary can link to it. */
export function fieldId(path: string, scope?: string): string {
  const full = scope ? `${scope}.${path}` : path;
  return `f-${full.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
}

/** Focuses a field by path; for a group (fieldset), its first control. */
export function focusField(path: string, scope?: string): void {
  const el = document.getElementById(fieldId(path, scope));
  if (!el) return;
  const target =
    el instanceof HTMLInputElement ||
    el instanceof HTMLTextAreaElement ||
    el instanceof HTMLSelectElement ||
    el instanceof HTMLButtonElement
      ? el
      : el.querySelector<HTMLElement>('input, textarea, select, button');
  target?.focus();
}

export interface Submission {
  fieldErrors: FieldError[];
  problem: ApiProblem | undefined;
  submitting: boolean;
  /** The alert region; focused after a failed submission so the errors are read out. */
  summaryRef: React.RefObject<HTMLDivElement | null>;
  errorFor: (path: string) => FieldError | undefined;
  /** Runs client checks, then the action; a problem from the server lands beside the fields. */
  submit: (validate: () => FieldError[], action: () => Promise<void>) => Promise<boolean>;
  reset: () => void;
}

export function useSubmission(): Submission {
  const { sessionExpired } = useSession();
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const summaryRef = useRef<HTMLDivElement | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    if (focusRequest > 0) summaryRef.current?.focus();
  }, [focusRequest]);

  const reset = useCallback(() => {
    setFieldErrors([]);
    setProblem(undefined);
  }, []);

  const submit = useCallback(
    async (validate: () => FieldError[], action: () => Promise<void>) => {
      if (busy.current) return false;
      const local = validate();
      if (local.length > 0) {
        setProblem(undefined);
        setFieldErrors(local);
        setFocusRequest((n) => n + 1);
        return false;
      }
      busy.current = true;
      setSubmitting(true);
      setFieldErrors([]);
      setProblem(undefined);
      try {
        await action();
        return true;
      } catch (error) {
        const p = asProblem(error);
        if (p.status === 401) sessionExpired();
        setProblem(p);
        setFieldErrors(p.errors.map((e) => ({ path: e.field, message: e.rule, fromServer: true })));
        setFocusRequest((n) => n + 1);
        return false;
      } finally {
        busy.current = false;
        setSubmitting(false);
      }
    },
    [sessionExpired],
  );

  const errorFor = useCallback((path: string) => fieldErrors.find((e) => e.path === path), [fieldErrors]);

  return { fieldErrors, problem, submitting, summaryRef, errorFor, submit, reset };
}
