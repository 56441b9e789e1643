import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { useFormat } from '../../i18n/format';
import { countdown } from './countdown';

type DueItem = Schemas['DueItem'];

/** The countdowns move on once a minute, in step with the clock's minutes. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      setNow(Date.now());
      timer = setTimeout(tick, 60_000 - (Date.now() % 60_000));
    };
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000));
    return () => clearTimeout(timer);
  }, []);
  return now;
}

function Countdown({ at, now }: { at: string; now: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const left = countdown(Date.parse(at), now, format.locale);
  return (
    <>
      <span className={left.overdue ? 'tag tag--warning' : 'tag tag--active'} data-testid="countdown">
        {left.overdue ? t('due.overdueBy', { duration: left.text }) : left.text}
      </span>{' '}
      <time dateTime={at}>{format.dateTime(at)}</time>
    </>
  );
}

/**
 * What is due for the signed-in user, the soonest deadline first: each step on a statement (or,
 * for a supplier, a consultation to answer) with a live countdown, the deadline in the viewer's
 * time zone and a link to the page where it is done. The list is the server's (domain/due.ts).
 */
export default function DuePage() {
  const { t } = useTranslation();
  const now = useMinuteClock();
  const [items, setItems] = useState<DueItem[] | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();

  useEffect(() => {
    let live = true;
    call(api.GET('/api/me/due')).then(
      (list) => live && setItems(list.items),
      (error: unknown) => live && setProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <>
      <PageHeading>{t('due.title')}</PageHeading>
      <p className="lead">{t('due.intro')}</p>
      <ErrorSummary problem={problem} />
      {items === undefined && !problem ? <Loading /> : null}
      {items ? (
        items.length === 0 ? (
          <div className="empty">
            <p>{t('due.empty')}</p>
          </div>
        ) : (
          <ul className="card-list" aria-label={t('due.listLabel')}>
            {items.map((item) => (
              <li key={`${item.statementId}/${item.kind}`} className="card">
                <h2 className="card__title">
                  <Link to={item.link}>{t(`due.kinds.${item.kind}`)}</Link>
                </h2>
                <p>{item.title}</p>
                <p>{item.deadline ? <Countdown at={item.deadline} now={now} /> : <span>{t('due.noDeadline')}</span>}</p>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </>
  );
}
