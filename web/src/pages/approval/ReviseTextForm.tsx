import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextAreaField } from '../../components/Field';
import { type FieldError, useSubmission } from '../../forms/errors';
import { textCharacterError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';

const minLength = 20;
const maxLength = 50_000;

/** The lead buyer edits the statement text: the edit becomes the next version, and every approval starts again. */
export function ReviseTextForm({
  statementId,
  text,
  onDone,
}: {
  statementId: string;
  text: Schemas['StatementText'];
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [value, setValue] = useState(text.text);

  const validate = (): FieldError[] => {
    const trimmed = value.trim();
    const characters = textCharacterError('document', value, t);
    if (characters) return [{ path: 'text', message: characters }];
    if (trimmed.length < minLength)
      return [{ path: 'text', message: t('approval.revise.errors.tooShort', { min: minLength }) }];
    if (trimmed.length > maxLength)
      return [{ path: 'text', message: t('approval.revise.errors.tooLong', { max: format.number(maxLength) }) }];
    if (trimmed === text.text.trim()) return [{ path: 'text', message: t('approval.revise.errors.unchanged') }];
    return [];
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(validate, async () => {
      const revised = await call(
        api.PUT('/api/statements/{statementId}/text', {
          params: { path: { statementId } },
          body: { text: value.trim(), expectedVersion: text.version },
        }),
      );
      await onDone(t('approval.revise.done', { version: format.number(revised.version) }));
    });
  };

  return (
    <section className="action-panel" aria-labelledby="revise-heading">
      <h3 id="revise-heading">{t('approval.revise.title')}</h3>
      <p>{t('approval.revise.intro')}</p>
      <Disclosure label={t('approval.revise.open')}>
        {(close) => (
          <form noValidate onSubmit={submit} className="form">
            <ErrorSummary
              problem={submission.problem}
              fieldErrors={submission.fieldErrors}
              summaryRef={submission.summaryRef}
              scope="revise"
              labelFor={(p) => (p === 'text' ? t('approval.revise.label') : undefined)}
            />
            <TextAreaField
              path="text"
              scope="revise"
              label={t('approval.revise.label')}
              hint={t('approval.revise.hint', { version: format.number(text.version + 1) })}
              rows={16}
              value={value}
              maxLength={maxLength}
              onChange={(e) => setValue(e.target.value)}
              error={submission.errorFor('text')}
            />
            <div className="button-row">
              <button
                type="submit"
                className="button button--primary"
                aria-disabled={submission.submitting || undefined}
              >
                {submission.submitting
                  ? t('common.saving')
                  : t('approval.revise.submit', { version: format.number(text.version + 1) })}
              </button>
              <button type="button" className="button button--link" onClick={close}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        )}
      </Disclosure>
    </section>
  );
}
