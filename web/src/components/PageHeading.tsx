import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigationType } from 'react-router';

/**
 * The page's h1. It sets the document title and, after the user navigates (a link, a submitted
 * form, Back), takes the focus, so a screen reader announces the new page and keyboard users
 * continue from its top. Redirects and the first load leave the focus where the browser puts it.
 */
export function PageHeading({ children, documentTitle }: { children: ReactNode; documentTitle?: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  const navigationType = useNavigationType();
  const title = documentTitle ?? (typeof children === 'string' ? children : undefined);

  useEffect(() => {
    if (title) document.title = t('app.documentTitle', { page: title });
  }, [title, t]);

  useEffect(() => {
    if (location.key !== 'default' && navigationType !== 'REPLACE') ref.current?.focus();
  }, [location.key, navigationType]);

  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}
