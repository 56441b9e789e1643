import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call } from '../../../api/client';
import { useSession } from '../../../auth/session';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextField } from '../../../components/Field';
import { localInput } from '../../../forms/date-input';
import type { FieldError } from '../../../forms/errors';
import { useFormat } from '../../../i18n/format';

/**
 * Extends the current stage's deadline (lead buyer): the field proposes a week after the later
 * of the deadline and now; the server tells everyone affected.
 */
export function ExtendDeadlinePanel({
  statementId,
  deadline,
  onDone,
}: {
  statementId: string;
  deadline: string;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const { sessionExpired } = useSession();
  const [value, setValue] = useState(() =>
    localInput(new Date(Math.max(Date.parse(deadline), Date.now()) + 7 * 86_400_000)),
  );
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const at = new Date(value);
    setProblem(undefined);
    if (!value || Number.isNaN(at.getTime())) {
      setErrors([{ path: 'deadline', message: t('actions.errors.dateTime') }]);
      requestAnimationFrame(() => ref.current?.focus());
      return;
    }
    if (at.getTime() <= Date.parse(deadline)) {
      setErrors([{ path: 'deadline', message: t('overview.extend.later', { deadline: format.dateTime(deadline) }) }]);
      requestAnimationFrame(() => ref.current?.focus());
      return;
    }
    setBusy(true);
    setErrors([]);
    try {
      await call(
        api.POST('/api/statements/{statementId}/deadline', {
          params: { path: { statementId } },
          body: { deadline: at.toISOString() },
        }),
      );
      await onDone(t('overview.extend.done', { deadline: format.dateTime(at.toISOString()) }));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
      setErrors(p.errors.map((e) => ({ path: e.field, message: e.rule, fromServer: true })));
      requestAnimationFrame(() => ref.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="action-panel" aria-labelledby="extend-heading">
      <h3 id="extend-heading">{t('overview.extend.title')}</h3>
      <p>{t('overview.extend.intro')}</p>
      <form noValidate onSubmit={(e) => void submit(e)} className="form form--compact">
        <ErrorSummary
          problem={problem}
          fieldErrors={errors}
          summaryRef={ref}
          scope="extend"
          labelFor={(path) => (path === 'deadline' ? t('overview.extend.deadline') : undefined)}
        />
        <TextField
          path="deadline"
          scope="extend"
          type="datetime-local"
          label={t('overview.extend.deadline')}
          hint={t('overview.extend.hint', { deadline: format.dateTime(deadline) })}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={errors.find((e) => e.path === 'deadline')}
        />
        <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
          {t('overview.extend.submit')}
        </button>
      </form>
    </section>
  );
}
