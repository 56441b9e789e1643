import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';

import { useSession } from '../auth/session';
import { navigation } from '../routes';
import { LanguageSwitch } from './LanguageSwitch';

function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

/** The frame of every page: skip link, banner with navigation and language, main, footer. */
export function Layout() {
  const { t } = useTranslation();
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const me = session.status === 'signedIn' ? session.me : undefined;
  const items = navigation.filter((item) => (me ? (item.show?.(me) ?? true) : item.public === true));

  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        {t('layout.skipToContent')}
      </a>
      <header className="site-header">
        <div className="site-header__bar">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true" />
            <span className="brand__name">{t('app.name')}</span>
            <span className="brand__tagline">{t('app.tagline')}</span>
          </Link>
          <div className="site-header__tools">
            <LanguageSwitch />
            {me ? (
              <>
                <p className="who">
                  <span className="visually-hidden">{t('header.signedInAs')} </span>
                  <span className="who__name">{me.user.name}</span>
                  <span className="who__org" data-testid="current-organisation">
                    {me.organisation.name}
                  </span>
                </p>
                <button
                  type="button"
                  className="button button--on-dark"
                  onClick={() => {
                    void signOut().then(() => navigate('/sign-in'));
                  }}
                >
                  {t('header.signOut')}
                </button>
              </>
            ) : null}
          </div>
        </div>
        {items.length > 0 ? (
          <nav className="site-nav" aria-label={t('header.navigation')}>
            <ul>
              {items.map((item) => (
                <li key={item.path}>
                  <NavLink to={item.path} end={item.end}>
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} className="main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t('layout.footer')}</p>
        <p>
          <a href="/api/docs">{t('layout.apiReference')}</a>
        </p>
      </footer>
    </>
  );
}
