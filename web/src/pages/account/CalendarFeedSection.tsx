import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { StatusMessage } from '../../components/StatusMessage';
import { useFormat } from '../../i18n/format';

type Feed = Schemas['CalendarFeed'];

/**
 * The user's personal calendar feed: make its private address (shown once, as API tokens are),
 * make a new one (the old address stops working) or delete it.
 */
export function CalendarFeedSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const [feed, setFeed] = useState<Feed | null | undefined>();
  const [url, setUrl] = useState<string | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [status, setStatus] = useState<string | undefined>();

  const load = useCallback(async () => {
    const res = await api.GET('/api/me/calendar-feed');
    if (res.response.status === 404) setFeed(null);
    else setFeed(await call(Promise.resolve(res)));
  }, []);
  useEffect(() => {
    load().catch((error: unknown) => setProblem(asProblem(error)));
  }, [load]);

  const make = async () => {
    setProblem(undefined);
    setStatus(undefined);
    try {
      const made = await call(api.POST('/api/me/calendar-feed'));
      setFeed(made);
      setUrl(made.url ?? undefined);
      setStatus(t('due.feed.created'));
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  const remove = async () => {
    setProblem(undefined);
    setStatus(undefined);
    try {
      await call(api.DELETE('/api/me/calendar-feed'));
      setFeed(null);
      setUrl(undefined);
      setStatus(t('due.feed.deleted'));
    } catch (error) {
      setProblem(asProblem(error));
    }
  };

  return (
    <section aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">{t('due.feed.heading')}</h2>
      <p>{t('due.feed.intro')}</p>
      <ErrorSummary problem={problem} />
      <StatusMessage>{status}</StatusMessage>
      {url ? (
        <div className="notice notice--info">
          <label htmlFor="calendar-url">{t('due.feed.urlLabel')}</label>
          <input
            id="calendar-url"
            className="input"
            type="text"
            readOnly
            value={url}
            onFocus={(e) => e.target.select()}
          />
        </div>
      ) : null}
      {feed === null ? <p>{t('due.feed.none')}</p> : null}
      {feed ? (
        <p>
          {t('due.feed.made', {
            when: format.dateTime(feed.createdAt),
            used: feed.lastUsedAt ? format.relative(feed.lastUsedAt) : t('due.feed.neverUsed'),
          })}
        </p>
      ) : null}
      {feed !== undefined ? (
        <p>
          <button type="button" className="button" onClick={() => void make()}>
            {feed ? t('due.feed.rotate') : t('due.feed.create')}
          </button>{' '}
          {feed ? (
            <button type="button" className="button button--secondary" onClick={() => void remove()}>
              {t('due.feed.delete')}
            </button>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
