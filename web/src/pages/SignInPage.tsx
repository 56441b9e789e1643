import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api, call } from '../api/client';
import { rememberReturn } from '../auth/return-path';
import { useSession } from '../auth/session';
import { ErrorSummary } from '../components/ErrorSummary';
import { TextField } from '../components/Field';
import { PageHeading } from '../components/PageHeading';
import { StatusMessage } from '../components/StatusMessage';
import { type FieldError, useSubmission } from '../forms/errors';

/** Sign-in by e-mailed link: the link opens /sign-in/verify (a server page), which signs in and returns to /. */
export default function SignInPage() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | undefined>();
  const submission = useSubmission();
  const inputRef = useRef<HTMLInputElement>(null);
  const returnTo = useSearchParams()[0].get('return');
  useEffect(() => rememberReturn(returnTo), [returnTo]);
  const reason = session.status === 'signedOut' ? session.reason : undefined;

  const validate = (): FieldError[] => {
    const value = email.trim();
    if (!value) return [{ path: 'email', message: t('signIn.errors.emailRequired') }];
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return [{ path: 'email', message: t('signIn.errors.emailInvalid') }];
    return [];
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    await submission.submit(validate, async () => {
      await call(api.POST('/api/auth/sign-in', { body: { email: address } }));
      setSentTo(address);
    });
  };

  return (
    <div className="narrow">
      <PageHeading>{t('signIn.title')}</PageHeading>
      {reason ? (
        <StatusMessage tone="info">{t(reason === 'expired' ? 'signIn.expired' : 'signIn.signedOut')}</StatusMessage>
      ) : null}
      {sentTo ? (
        <>
          <StatusMessage focus>
            <h2 className="notice__title">{t('signIn.checkMailTitle')}</h2>
            <p>{t('signIn.checkMail', { email: sentTo })}</p>
            <p>{t('signIn.checkMailHint')}</p>
          </StatusMessage>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setSentTo(undefined);
              submission.reset();
              requestAnimationFrame(() => inputRef.current?.focus());
            }}
          >
            {t('signIn.useAnotherAddress')}
          </button>
        </>
      ) : (
        <>
          <p className="lead">{t('signIn.intro')}</p>
          <ErrorSummary
            problem={submission.problem}
            fieldErrors={submission.fieldErrors}
            summaryRef={submission.summaryRef}
            labelFor={(path) => (path === 'email' ? t('signIn.email') : undefined)}
          />
          <form noValidate onSubmit={(e) => void onSubmit(e)} className="form">
            <TextField
              ref={inputRef}
              path="email"
              type="email"
              autoComplete="email"
              spellCheck={false}
              label={t('signIn.email')}
              hint={t('signIn.emailHint')}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={submission.errorFor('email')}
            />
            <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
              {submission.submitting ? t('signIn.sending') : t('signIn.submit')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
