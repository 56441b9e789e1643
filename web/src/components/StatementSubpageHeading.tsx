import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { ApiProblem } from '../api/client';
import { ErrorSummary } from './ErrorSummary';
import { Loading } from './Loading';
import { PageHeading } from './PageHeading';

/**
 * The top of every page that belongs to one statement (survey, needs, demand, market,
 * approval, agreement…): the breadcrumb back to it, the page's h1 with the statement's title
 * beneath, the load problem if any, and the loading indicator while nothing has arrived.
 */
export function StatementSubpageHeading({
  title,
  statement,
  problem,
  loading,
}: {
  title: string;
  statement: { id: string; title: string } | undefined;
  problem: ApiProblem | undefined;
  loading: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <nav aria-label={t('common.breadcrumb')} className="breadcrumb">
        <Link to="/statements">{t('nav.statements')}</Link>
        {statement ? (
          <>
            {' '}
            <Link to={`/statements/${statement.id}`}>{statement.title}</Link>
          </>
        ) : null}
      </nav>
      <PageHeading documentTitle={title}>
        {title}
        {statement ? <span className="page-heading__sub">{statement.title}</span> : null}
      </PageHeading>
      <ErrorSummary problem={problem} />
      {loading ? <Loading /> : null}
    </>
  );
}
