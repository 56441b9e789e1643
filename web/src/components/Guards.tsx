import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';

import { forgetReturn, peekReturn } from '../auth/return-path';
import { useMe, useSession } from '../auth/session';
import { homePathFor } from '../routes';
import { ErrorSummary } from './ErrorSummary';
import { Loading } from './Loading';
import { PageHeading } from './PageHeading';

/** Pages for signed-in users; others are sent to sign in. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <Loading />;
  if (session.status === 'error') return <SessionUnavailable />;
  if (session.status === 'signedOut') return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return children;
}

/** Pages for signed-out visitors (sign in); signed-in users go to their start page. */
export function RequireSignedOut({ children }: { children: ReactNode }) {
  const { session } = useSession();
  if (session.status === 'loading') return <Loading />;
  if (session.status === 'signedIn') return <Navigate to={homePathFor(session.me)} replace />;
  return children;
}

function SessionUnavailable() {
  const { t } = useTranslation();
  const { session, refresh } = useSession();
  return (
    <>
      <PageHeading>{t('session.unavailableTitle')}</PageHeading>
      <ErrorSummary problem={session.status === 'error' ? session.problem : undefined} />
      <button type="button" className="button button--primary" onClick={() => void refresh()}>
        {t('common.retry')}
      </button>
    </>
  );
}

/** "/": the page sign-in was asked for from (`/sign-in?return=…`), else each kind of user's start page (inside RequireSignIn). */
export function HomeRedirect() {
  const me = useMe();
  const [back] = useState(peekReturn);
  useEffect(() => forgetReturn(), []);
  return <Navigate to={back ?? homePathFor(me)} replace />;
}
