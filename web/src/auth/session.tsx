import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, ApiProblem, asProblem, call, type Me } from '../api/client';
import { isLocale, type Locale, pendingLocaleChoice, rememberLocale } from '../i18n';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signedOut'; reason?: 'signedOut' | 'expired' }
  | { status: 'signedIn'; me: Me }
  | { status: 'error'; problem: ApiProblem };

interface SessionContextValue {
  session: SessionState;
  /** Reads /api/me again (after sign-in, or to retry after an error). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  /** Switches the interface language, saving it on this device and, when signed in, in the account. */
  changeLocale: (locale: Locale) => Promise<void>;
  /** Call when a request answers 401: the session has ended elsewhere. */
  sessionExpired: () => void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const [session, setSession] = useState<SessionState>({ status: 'loading' });

  const adoptAccountLocale = useCallback(
    async (me: Me): Promise<Me> => {
      // A language picked while signed out is the latest choice: save it to the account.
      const pending = pendingLocaleChoice();
      if (pending && pending !== me.user.locale) {
        try {
          const updated = await call(api.PUT('/api/me/locale', { body: { locale: pending } }));
          rememberLocale(pending, { pendingForAccount: false });
          return updated;
        } catch {
          return me;
        }
      }
      const accountLocale = me.user.locale;
      if (isLocale(accountLocale)) {
        rememberLocale(accountLocale, { pendingForAccount: false });
        if (i18n.language !== accountLocale) await i18n.changeLanguage(accountLocale);
      }
      return me;
    },
    [i18n],
  );

  const refresh = useCallback(async () => {
    try {
      const me = await call(api.GET('/api/me'));
      setSession({ status: 'signedIn', me: await adoptAccountLocale(me) });
    } catch (error) {
      const problem = asProblem(error);
      setSession(problem.status === 401 ? { status: 'signedOut' } : { status: 'error', problem });
    }
  }, [adoptAccountLocale]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await call(api.POST('/api/auth/sign-out'));
    } finally {
      setSession({ status: 'signedOut', reason: 'signedOut' });
    }
  }, []);

  const changeLocale = useCallback(
    async (locale: Locale) => {
      const signedIn = session.status === 'signedIn';
      rememberLocale(locale, { pendingForAccount: !signedIn });
      await i18n.changeLanguage(locale);
      if (signedIn) {
        try {
          const me = await call(api.PUT('/api/me/locale', { body: { locale } }));
          setSession({ status: 'signedIn', me });
        } catch {
          // The interface has switched; the account keeps its old language until the next change.
          rememberLocale(locale, { pendingForAccount: true });
        }
      }
    },
    [i18n, session.status],
  );

  const sessionExpired = useCallback(() => setSession({ status: 'signedOut', reason: 'expired' }), []);

  const value = useMemo(
    () => ({ session, refresh, signOut, changeLocale, sessionExpired }),
    [session, refresh, signOut, changeLocale, sessionExpired],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for pages behind RequireSignIn. */
export function useMe(): Me {
  const { session } = useSession();
  if (session.status !== 'signedIn') throw new Error('useMe on a page that does not require sign-in');
  return session.me;
}
