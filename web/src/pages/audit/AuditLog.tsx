import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ApiProblem, asProblem, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useFormat } from '../../i18n/format';

export type AuditLog = Schemas['AuditLog'];
export type AuditPageRequest = { order: 'desc' | 'asc'; cursor?: number; limit: number };

const pageSize = 100;
/** A shell command, the same in every language. */
const verifyCommand = 'node verify-audit-export.mjs FILE';

/**
 * One audit chain, a page at a time: the verification and the head it covers (both from the
 * same snapshot as the page), the events newest first, and a button for the next page, which
 * follows the server's cursor so an event appended meanwhile never shifts what is shown.
 */
export function AuditLogSection({
  load,
  downloads,
}: {
  load: (page: AuditPageRequest) => Promise<AuditLog>;
  downloads?: { jsonl: string; csv: string };
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const { sessionExpired } = useSession();
  const [order, setOrder] = useState<'desc' | 'asc'>('desc');
  const [pages, setPages] = useState<AuditLog[]>([]);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);

  const fetchPage = useCallback(
    async (cursor: number | undefined, reset: boolean) => {
      setBusy(true);
      try {
        const page = await load({ order, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
        setPages((previous) => (reset ? [page] : [...previous, page]));
        setProblem(undefined);
      } catch (error) {
        const p = asProblem(error);
        if (p.status === 401) sessionExpired();
        setProblem(p);
      } finally {
        setBusy(false);
      }
    },
    [load, order, sessionExpired],
  );

  useEffect(() => {
    void fetchPage(undefined, true);
  }, [fetchPage]);

  const first = pages[0];
  const last = pages.at(-1);
  const events = pages.flatMap((p) => p.events);
  return (
    <>
      <ErrorSummary problem={problem} />
      {first ? (
        <section aria-labelledby="audit-verification-heading" className="section">
          <h2 id="audit-verification-heading">{t('audit.verificationTitle')}</h2>
          <p
            role="status"
            data-testid="audit-verification"
            className={first.verification.valid ? 'notice notice--info' : 'notice notice--ended'}
          >
            {first.verification.valid
              ? t('audit.valid', { count: first.verification.events })
              : t('audit.invalid', {
                  seq: first.verification.problem?.seq ?? 0,
                  issue: first.verification.problem?.issue ?? '',
                })}
          </p>
          <p className="muted small">
            {t('audit.head', { seq: first.head.seq })} <code className="hash">{first.head.hash}</code>
          </p>
          {downloads ? (
            <>
              <p>
                <a href={downloads.jsonl} download>
                  {t('audit.downloadJsonl')}
                </a>{' '}
                ·{' '}
                <a href={downloads.csv} download>
                  {t('audit.downloadCsv')}
                </a>
              </p>
              <p className="muted small">
                {t('audit.offline')} <code>{verifyCommand}</code>
              </p>
            </>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="audit-events-heading" className="section">
        <div className="section__head">
          <h2 id="audit-events-heading">{t('audit.eventsTitle')}</h2>
          <label>
            {t('audit.order')}{' '}
            <select value={order} onChange={(e) => setOrder(e.target.value === 'asc' ? 'asc' : 'desc')}>
              <option value="desc">{t('audit.newestFirst')}</option>
              <option value="asc">{t('audit.oldestFirst')}</option>
            </select>
          </label>
        </div>
        <div className="table-scroll" role="region" aria-labelledby="audit-events-heading" tabIndex={0}>
          <table className="table" data-testid="audit-events">
            <thead>
              <tr>
                <th scope="col">{t('audit.seq')}</th>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.data')}</th>
                <th scope="col">{t('audit.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>
                    <time dateTime={e.at}>{format.dateTime(e.at)}</time>
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    <code className="small">{JSON.stringify(e.data)}</code>
                  </td>
                  <td>
                    <code className="hash" title={e.hash}>
                      {e.hash.slice(0, 12)}…
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted small">
          {t('audit.shown', { shown: events.length, total: first?.verification.events ?? 0 })}
        </p>
        {last?.page.nextCursor !== null && last !== undefined ? (
          <button
            type="button"
            className="button button--secondary"
            disabled={busy}
            onClick={() => void fetchPage(last.page.nextCursor ?? undefined, false)}
          >
            {order === 'desc' ? t('audit.older') : t('audit.newer')}
          </button>
        ) : null}
      </section>
    </>
  );
}
